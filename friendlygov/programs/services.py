"""Every write to programs: a new program, a new rule version, a cycle's version pinned.

A version is written whole or not at all, after `rules.check_rules`; the old one stays, so a cycle
already judged with it keeps its result.
"""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from friendlygov.audit.services import record
from friendlygov.reports.targets import TargetRule

from .models import LevelBand, Program, RuleVersion, YearTarget
from .permissions import may_manage_programs
from .rules import Band, Problem, check_rules
from .signals import rules_saved


class RulesRefused(ValueError):
    """A proposed version breaks a rule; `problems` name each field and why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _require_admin(actor) -> None:
    if not may_manage_programs(actor):
        raise PermissionDenied


@transaction.atomic
def create_program(
    code: str,
    name: str,
    bands: Sequence[Band],
    targets: Sequence[tuple[int, TargetRule]],
    *,
    actor,
    description: str = "",
) -> Program:
    """A program with its first rule version (no code: a province with another scheme)."""
    _require_admin(actor)
    problems = check_rules(bands, targets)
    if problems:
        raise RulesRefused(problems)
    program = Program.objects.create(code=code, name=name, description=description)
    record(actor, "program.created", program, {"code": code, "name": name})
    save_rule_version(program, bands, targets, actor=actor, note="")
    return program


@transaction.atomic
def save_rule_version(
    program: Program,
    bands: Sequence[Band],
    targets: Sequence[tuple[int, TargetRule]],
    *,
    actor,
    note: str = "",
) -> RuleVersion:
    """The program's next version with these bands and targets; the previous versions stay."""
    _require_admin(actor)
    problems = check_rules(bands, targets)
    if problems:
        raise RulesRefused(problems)
    program = Program.objects.select_for_update().get(pk=program.pk)
    previous = program.versions.aggregate(n=Max("number"))["n"] or 0
    version = RuleVersion.objects.create(
        program=program, number=previous + 1, created_by=actor if actor.is_authenticated else None, note=note
    )
    LevelBand.objects.bulk_create(
        LevelBand(version=version, level=b.level, lowest=b.lowest, name=b.name, name_en=b.name_en)
        for b in bands
    )
    YearTarget.objects.bulk_create(
        YearTarget(
            version=version,
            year=year,
            kind=rule.kind,
            min_level=rule.min_level,
            percent=rule.percent,
            count=rule.count,
            position=position,
        )
        for position, (year, rule) in enumerate(targets)
    )
    record(
        actor,
        "program.rules_saved",
        version,
        {"program": program.code, "number": version.number, "note": note, **rules_as_data(bands, targets)},
    )
    # Every cycle of the program not yet decided follows the new version; a decided one keeps its own.
    program.cycles.filter(rules_kept_at__isnull=True).update(rules_version=version)
    rules_saved.send(Program, program_id=program.pk, version_id=version.pk, actor=actor)
    return version


def rules_as_data(bands: Sequence[Band], targets: Sequence[tuple[int, TargetRule]]) -> dict:
    return {
        "bands": [
            {"level": b.level, "lowest": str(b.lowest), "name": b.name, "name_en": b.name_en} for b in bands
        ],
        "targets": [
            {"year": year, "kind": r.kind, "min_level": r.min_level, "percent": r.percent, "count": r.count}
            for year, r in targets
        ],
    }


def keep_rules(cycle, *, actor) -> bool:
    """Keep the version `cycle` carries as the one it was judged with, if not kept yet (inside the
    caller's transaction: the issuing of the cycle's first decision). True when it was kept now."""
    if cycle.rules_kept_at is not None:
        return False
    now = timezone.now()
    kept = type(cycle).objects.filter(pk=cycle.pk, rules_kept_at__isnull=True).update(rules_kept_at=now)
    if kept:
        cycle.rules_kept_at = now
        record(actor, "cycle.rules_kept", cycle, {"rules_version": cycle.rules_version_id})
    return bool(kept)
