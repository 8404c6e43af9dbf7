"""A program's rules as one value (pure, Decimal only): its level bands and its yearly targets.

`ProgramRules.level_for(score)` is the one score-to-level rule (it passes the bands to
`frameworks.levels.level_for_score`); `attainment(year, by_level, …)` checks the year's targets.
`check_rules` validates a proposed version and names each problem by its field, so a page can show
it beside the input. Gating and bonus rules are not here: they stay on the framework version.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from friendlygov.frameworks.describe import num
from friendlygov.frameworks.levels import LEVEL_BANDS, MAX_SCORE, MIN_SCORE, NOT_QUALIFIED, level_for_score
from friendlygov.reports.targets import TargetResult, TargetRule, attainment, default_schedule

SHARE = "share"
COUNT = "count"
TARGET_KINDS = (SHARE, COUNT)


@dataclass(frozen=True)
class Band:
    """Level `level` from `lowest` points (inclusive) to the next band's lowest (exclusive)."""

    level: int
    lowest: Decimal
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class ProgramRules:
    """The bands (lowest level first) and the targets by year of one rule version. `targets` is
    the schedule, or a function that reads it: a caller that only bands a score (the autosave)
    never reads the targets."""

    bands: tuple[Band, ...]
    targets: Mapping[int, tuple[TargetRule, ...]] | Callable[[], Mapping] = field(default_factory=dict)
    version_id: int | None = None  # the stored version these rules come from; None for the defaults
    version_number: int | None = None

    @cached_property
    def schedule(self) -> Mapping[int, tuple[TargetRule, ...]]:
        return self.targets() if callable(self.targets) else self.targets

    @property
    def level_bands(self) -> tuple[tuple[Decimal, int], ...]:
        """(lowest, level), highest band first: what `level_for_score` takes."""
        return tuple((band.lowest, band.level) for band in reversed(self.bands))

    @property
    def levels(self) -> tuple[int, ...]:
        """0 (not qualified) and every band's level, lowest first."""
        return (NOT_QUALIFIED, *(band.level for band in self.bands))

    @property
    def top_level(self) -> int:
        return self.bands[-1].level

    @property
    def ranges(self) -> tuple[tuple[Band, Decimal | None], ...]:
        """Each band with the lowest score of the band above it (None for the top band)."""
        uppers = [band.lowest for band in self.bands[1:]] + [None]
        return tuple(zip(self.bands, uppers, strict=True))

    @property
    def floors(self) -> dict[int, Decimal]:
        """The lowest score of each level: {1: 80, 2: 85, 3: 90, 4: 95} for the default bands."""
        return {band.level: band.lowest for band in self.bands}

    @property
    def lowest_band(self) -> Decimal:
        """Below it no unit is recognised, whatever else."""
        return self.bands[0].lowest

    def level_for(self, score: Decimal) -> int:
        return level_for_score(score, self.level_bands)

    def label(self, level: int | None) -> str:
        """The level's name in the page's language: "Mức 2", or the program's own name for it."""
        if not level:
            return _("Không đạt chuẩn")
        band = next((b for b in self.bands if b.level == level), None)
        if band is None:
            return _("Mức %(level)s") % {"level": level}
        english = (get_language() or "vi").startswith("en")
        return band.name_en if english and band.name_en else band.name

    def targets_of(self, year: int) -> tuple[TargetRule, ...]:
        return tuple(self.schedule.get(year, ()))

    def attainment(self, year: int, by_level: Mapping[int, int], *, units_total=None) -> list[TargetResult]:
        return attainment(year, by_level, units_total=units_total, schedule=self.schedule)


def default_rules() -> ProgramRules:
    """Hải Dương's 2024–2030 rules as the code knew them before programs were data: the default
    program's first version is seeded with the same values (a test keeps the two equal)."""
    bands = tuple(
        Band(level, lowest, f"Mức {level}", f"Level {level}") for lowest, level in reversed(LEVEL_BANDS)
    )
    return ProgramRules(bands=bands, targets=default_schedule())


# --- Validation of a proposed version --------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a proposed version: `field` names the input ("bands-1-lowest")."""

    field: str
    message: str


def check_rules(bands: Sequence[Band], targets: Sequence[tuple[int, TargetRule]]) -> list[Problem]:
    """Bands: at least one; levels 1, 2, … in order; lowest scores within 0–100 and strictly
    increasing; a name. Targets (year, rule): a year, a level that exists, a share above 0 and at
    most 100%, or a count of at least one unit; no target twice in a year."""
    problems = _band_problems(bands)
    levels = {band.level for band in bands}
    seen = set()
    for index, (year, rule) in enumerate(targets):
        problems += _target_problems(index, year, rule, levels)
        if (year, rule) in seen:
            problems.append(
                Problem(f"targets-{index}-year", _("Mục tiêu này đã có trong năm %(year)s.") % {"year": year})
            )
        seen.add((year, rule))
    return problems


def _band_problems(bands: Sequence[Band]) -> list[Problem]:
    if not bands:
        return [Problem("bands", _("Cần ít nhất một mức."))]
    problems = []
    previous = None
    for index, band in enumerate(bands):
        prefix = f"bands-{index}"
        if band.level != index + 1:
            problems.append(
                Problem(
                    f"{prefix}-level",
                    _("Các mức phải liên tiếp từ 1: dòng %(row)s phải là mức %(level)s.")
                    % {"row": index + 1, "level": index + 1},
                )
            )
        if not MIN_SCORE <= band.lowest <= MAX_SCORE:
            problems.append(
                Problem(
                    f"{prefix}-lowest",
                    _("Mức %(level)s: điểm tối thiểu phải từ 0 đến 100, không phải %(value)s.")
                    % {"level": band.level, "value": num(band.lowest)},
                )
            )
        elif previous is not None and band.lowest <= previous:
            problems.append(
                Problem(
                    f"{prefix}-lowest",
                    _("Mức %(level)s: điểm tối thiểu (%(value)s) phải cao hơn của mức dưới (%(below)s).")
                    % {"level": band.level, "value": num(band.lowest), "below": num(previous)},
                )
            )
        previous = band.lowest
        if not band.name.strip():
            problems.append(
                Problem(f"{prefix}-name", _("Mức %(level)s: cần tên mức.") % {"level": band.level})
            )
    return problems


def _target_problems(index: int, year: int, rule: TargetRule, levels: set[int]) -> list[Problem]:
    prefix = f"targets-{index}"
    problems = []
    if not 2000 <= year <= 2100:
        problems.append(Problem(f"{prefix}-year", _("Năm %(year)s không hợp lệ.") % {"year": year}))
    if rule.min_level not in levels:
        problems.append(
            Problem(
                f"{prefix}-min_level",
                _("Năm %(year)s: mức %(level)s không có trong các mức của chương trình.")
                % {"year": year, "level": rule.min_level},
            )
        )
    if rule.kind == SHARE and (rule.percent is None or not Decimal(0) < rule.percent <= Decimal(100)):
        problems.append(
            Problem(
                f"{prefix}-percent",
                _("Năm %(year)s: tỷ lệ phải lớn hơn 0%% và không quá 100%%.") % {"year": year},
            )
        )
    if rule.kind == COUNT and (rule.count is None or rule.count < 1):
        problems.append(
            Problem(f"{prefix}-count", _("Năm %(year)s: số đơn vị phải từ 1 trở lên.") % {"year": year})
        )
    return problems
