"""Reads of programs and their rule versions.

`rules_for(cycle)` is what every caller holding a cycle asks for its bands and targets: the version
the cycle was judged with once decided, else the program's newest version. Two queries, asked once
per cycle object (kept on it): a page that asks again for the same cycle costs nothing. Nothing is
kept across requests, so the number of queries of a page never depends on what ran before it.
"""

from decimal import Decimal

from django.db.models import Subquery

from friendlygov.reports.targets import TargetRule

from .models import LevelBand, Program, RuleVersion, YearTarget
from .rules import Band, ProgramRules, default_rules


def rules_for(cycle) -> ProgramRules:
    """The rules that judge `cycle`: pinned once decided, else the program's current version."""
    if getattr(cycle, "_program_rules", None) is None:
        if cycle.rules_version_id is not None:
            cycle._program_rules = rules_of_version(cycle.rules_version_id)
        else:
            cycle._program_rules = _current(cycle.program_id)
    return cycle._program_rules


def current_rules(program: Program) -> ProgramRules:
    return _current(program.pk)


def _current(program_id) -> ProgramRules:
    newest = RuleVersion.objects.filter(program_id=program_id).order_by("-number").values("pk")[:1]
    return _load(Subquery(newest))


def rules_of_version(version_id: int) -> ProgramRules:
    return _load(version_id)


def _load(version) -> ProgramRules:
    """The bands and targets of one version (`version`: an id or a one-row subquery): 2 queries.
    A program without any version (a flushed test database) has the default rules."""
    bands = list(LevelBand.objects.filter(version=version).select_related("version").order_by("level"))
    if not bands:
        return default_rules()
    schedule: dict[int, list[TargetRule]] = {}
    for target in YearTarget.objects.filter(version_id=bands[0].version_id).order_by("year", "position"):
        schedule.setdefault(target.year, []).append(target_rule(target))
    return ProgramRules(
        bands=tuple(Band(b.level, b.lowest, b.name, b.name_en) for b in bands),
        schedule={year: tuple(rules) for year, rules in schedule.items()},
        version_id=bands[0].version_id,
        version_number=bands[0].version.number,
    )


def target_rule(target) -> TargetRule:
    if target.kind == "share":
        return TargetRule(kind="share", min_level=target.min_level, percent=Decimal(target.percent))
    return TargetRule(kind="count", min_level=target.min_level, count=target.count)


def programs():
    return Program.objects.order_by("name")


def versions_of(program: Program):
    return program.versions.select_related("created_by").prefetch_related("cycles").order_by("-number")
