"""What a proposed rule version changes on the program's current dashboard, before it is saved.

The current dashboard is the program's newest cycle over every unit. A cycle already decided keeps
the version it was judged with, so nothing changes there (the preview says so). Otherwise the
targets are checked again with the proposed schedule, and each unit with a final score is banded
again with the proposed bands, as saving will do (`assessments.services.band_undecided_again`; a
unit held at 0 by a gating rule stays at 0: the gates belong to the framework version).
"""

from collections import Counter
from dataclasses import dataclass

from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.reports.selectors import CycleCounts, status_level_counts, summary_of_counts

from .rules import ProgramRules
from .selectors import rules_for


@dataclass(frozen=True)
class LevelChange:
    level: int
    label: str
    before: int
    after: int


@dataclass(frozen=True)
class TargetChange:
    description: str
    before: object  # TargetResult or None when the rule is new
    after: object  # TargetResult or None when the rule is gone


@dataclass(frozen=True)
class Preview:
    cycle: Cycle | None
    pinned: bool
    before: CycleCounts | None = None
    after: CycleCounts | None = None
    scored_levels: tuple[LevelChange, ...] = ()
    targets: tuple[TargetChange, ...] = ()

    @property
    def changes_anything(self) -> bool:
        return any(c.before != c.after for c in self.scored_levels) or any(
            (c.before and c.before.met) != (c.after and c.after.met)
            or (c.before and c.before.required_units) != (c.after and c.after.required_units)
            for c in self.targets
        )


def preview(program, proposed: ProgramRules) -> Preview:
    cycle = Cycle.objects.filter(program=program).order_by("-year").first()
    if cycle is None:
        return Preview(cycle=None, pinned=False)
    current = rules_for(cycle)
    pinned = cycle.rules_kept_at is not None
    after_rules = current if pinned else proposed
    counts = status_level_counts(cycle, Assessment.objects.all())
    before = summary_of_counts(cycle.year, counts, current)
    after = summary_of_counts(cycle.year, counts, after_rules)
    return Preview(
        cycle=cycle,
        pinned=pinned,
        before=before,
        after=after,
        scored_levels=_scored_levels(cycle, current, after_rules),
        targets=_target_changes(before, after),
    )


def _scored_levels(cycle, current: ProgramRules, proposed: ProgramRules) -> tuple[LevelChange, ...]:
    rows = Assessment.objects.filter(cycle=cycle, final_score__isnull=False).values_list(
        "final_score", "final_level", "final_reasons"
    )
    before, after = Counter(), Counter()
    for score, level, reasons in rows:
        before[level or 0] += 1
        after[0 if reasons else proposed.level_for(score)] += 1
    levels = sorted(set(current.levels) | set(proposed.levels))
    return tuple(
        LevelChange(
            level,
            (proposed if level in proposed.levels else current).label(level),
            before[level],
            after[level],
        )
        for level in levels
    )


def _target_changes(before: CycleCounts, after: CycleCounts) -> tuple[TargetChange, ...]:
    old = {t.rule: t for t in before.targets}
    new = {t.rule: t for t in after.targets}
    return tuple(
        TargetChange(rule.describe(), old.get(rule), new.get(rule)) for rule in dict.fromkeys([*old, *new])
    )
