"""Gating rules (điểm liệt): conditions that block recognition whatever the score.

`recognise()` combines the level band with the gates: the recognised level is 0 when any gate fails.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .levels import LEVEL_BANDS, NOT_QUALIFIED, Bands, level_for_score
from .scoring import HUNDRED, ScoreTotal

MIN_CRITERION_PERCENT = "min_criterion_percent"
MIN_TOTAL = "min_total"
VETO_FLAG = "veto_flag"
GATING_KINDS = (MIN_CRITERION_PERCENT, MIN_TOTAL, VETO_FLAG)


@dataclass(frozen=True)
class GatingRule:
    """`percent` for min_criterion_percent, `min_total` for min_total, `flag` for veto_flag."""

    code: str
    name: str
    kind: str
    percent: Decimal | None = None
    min_total: Decimal | None = None
    flag: str | None = None


@dataclass(frozen=True)
class GateFailure:
    code: str
    name: str
    detail: str  # which criterion or value failed, for the record (not translated)
    reason: str = ""  # the same with its figures, as a decision's reader reads it: "TC2 đạt 31,5% < 50%"
    criterion: str | None = None  # the criterion's code, for a condition on one criterion
    value: Decimal | None = None  # the criterion's percent, or the total
    limit: Decimal | None = None  # what the condition asks for


def _vn(value: Decimal) -> str:
    """31.50 → "31,5": the decimal comma of Vietnamese documents, without trailing zeros."""
    text = format(Decimal(value).normalize(), "f")
    return text.replace(".", ",")


@dataclass(frozen=True)
class Recognition:
    score: Decimal
    score_level: int  # the band the score lies in
    level: int  # the recognised level: score_level, or 0 when a gate failed
    failures: tuple[GateFailure, ...]

    @property
    def gates_passed(self) -> bool:
        return not self.failures


def _failures_of(rule: GatingRule, total: ScoreTotal, flags: Mapping[str, bool]) -> list[GateFailure]:
    if rule.kind == MIN_CRITERION_PERCENT:
        return [
            GateFailure(
                rule.code,
                rule.name,
                f"{c.code}: {c.percent}% < {rule.percent}%",
                f"{c.code} đạt {_vn(c.percent)}% < {_vn(rule.percent)}%",
                criterion=c.code,
                value=c.percent,
                limit=rule.percent,
            )
            for c in total.criteria
            if c.percent is not None and c.percent < rule.percent
        ]
    if rule.kind == MIN_TOTAL:
        if total.total < rule.min_total:
            detail = f"{total.total} < {rule.min_total}"
            reason = f"Tổng điểm {_vn(total.total)} < {_vn(rule.min_total)}"
            return [
                GateFailure(rule.code, rule.name, detail, reason, value=total.total, limit=rule.min_total)
            ]
        return []
    if rule.kind == VETO_FLAG:
        failed = flags.get(rule.flag, False)
        return [GateFailure(rule.code, rule.name, rule.flag, rule.name)] if failed else []
    raise ValueError(f"unknown gating rule kind {rule.kind!r}")


def failed_gates(
    rules: Sequence[GatingRule], total: ScoreTotal, flags: Mapping[str, bool] | None = None
) -> tuple[GateFailure, ...]:
    """Every failed rule (a criterion rule fails once per criterion below its percent)."""
    flags = flags or {}
    return tuple(failure for rule in rules for failure in _failures_of(rule, total, flags))


def recognise(
    total: ScoreTotal,
    rules: Sequence[GatingRule],
    flags: Mapping[str, bool] | None = None,
    *,
    bands: Bands = LEVEL_BANDS,
) -> Recognition:
    """The band comes from the cycle's program (`bands`), the gates from the framework version."""
    score = min(total.total, HUNDRED)
    score_level = level_for_score(score, bands)
    failures = failed_gates(rules, total, flags)
    return Recognition(
        score=score,
        score_level=score_level,
        level=NOT_QUALIFIED if failures else score_level,
        failures=failures,
    )
