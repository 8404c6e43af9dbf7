"""Reads of programs and their rule versions.

`rules_for(cycle)` is what every caller holding a cycle asks for its bands and targets: the rule
version the cycle carries (`Cycle.rules_version`: the program's newest while the year is open,
kept once it is decided). A version never changes once written, so its rules are kept in memory
by id: after the first read in a process, asking costs no query (the autosave bands every save).
"""

from decimal import Decimal

from friendlygov.reports.targets import TargetRule

from .models import Program, RuleVersion
from .rules import Band, ProgramRules, default_rules

_rules_by_version: dict[int, ProgramRules] = {}


def rules_for(cycle) -> ProgramRules:
    """The rules that judge `cycle`; the default rules for a cycle built in memory."""
    if cycle.rules_version_id is None:
        return default_rules()
    return rules_of_version(cycle.rules_version_id)


def newest_version_id(program_id) -> int | None:
    return (
        RuleVersion.objects.filter(program_id=program_id)
        .order_by("-number")
        .values_list("pk", flat=True)
        .first()
    )


def current_rules(program: Program) -> ProgramRules:
    version_id = newest_version_id(program.pk)
    return rules_of_version(version_id) if version_id is not None else default_rules()


def rules_of_version(version_id: int) -> ProgramRules:
    if version_id not in _rules_by_version:
        _rules_by_version[version_id] = _load(version_id)
    return _rules_by_version[version_id]


def forget_rules() -> None:
    """For tests: a rolled-back test database may give a version's id to another version."""
    _rules_by_version.clear()


def _load(version_id: int) -> ProgramRules:
    """The bands and targets of one version (two queries, once per process)."""
    version = RuleVersion.objects.get(pk=version_id)
    bands = tuple(Band(b.level, b.lowest, b.name, b.name_en) for b in version.bands.order_by("level"))
    schedule: dict[int, list[TargetRule]] = {}
    for target in version.targets.order_by("year", "position"):
        schedule.setdefault(target.year, []).append(target_rule(target))
    return ProgramRules(
        bands=bands,
        targets={year: tuple(rules) for year, rules in schedule.items()},
        version_id=version.pk,
        version_number=version.number,
    )


def target_rule(target) -> TargetRule:
    if target.kind == "share":
        return TargetRule(kind="share", min_level=target.min_level, percent=Decimal(target.percent))
    return TargetRule(kind="count", min_level=target.min_level, count=target.count)


def programs():
    return Program.objects.order_by("name")


def versions_of(program: Program):
    return program.versions.select_related("created_by").prefetch_related("cycles").order_by("-number")
