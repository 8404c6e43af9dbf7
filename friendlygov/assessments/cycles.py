"""A cycle made from last year's: its scope (which units it evaluates), the preview of that scope,
and the copy that creates and opens the new cycle. The demo and the administration pages both
scope a cycle through `scope_by_lineage` / `scope_by_codes`, and create it through `copy_cycle`.

A cycle evaluates the commune-level units valid on 31 December of its year (Cycle.scope_date); a
scope is a chosen set of them: those formed, through lineage, from one unit's subtree ("the units
formed from Hải Dương province (2024)": 64 in 2027), or those listed by official code.
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from friendlygov.accounts import reach
from friendlygov.audit.services import record
from friendlygov.units import selectors as units
from friendlygov.units.models import UnitVersion

from .models import PROGRAM_NAME, AppraisingBody, Cycle
from .services import open_cycle

BODY_FIELDS = (
    "name",
    "unit_id",
    "issuing_authority",
    "place_name",
    "signer_title",
    "signing_on_behalf",
    "decision_symbol",
    "issued_as",
    "governing_body",
    "deputy_title",
    "signing_mode",
    "proposed_by",
    "recipients",
)
DATE_FIELDS = (
    "self_assessment_opens",
    "self_assessment_closes",
    "appraisal_deadline",
    "decision_from",
    "decision_until",
)


@dataclass
class Scope:
    """The units a new cycle would evaluate, how they were chosen, and what was not found."""

    year: int
    units: list[UnitVersion]
    description: str
    unknown_codes: list[str] = field(default_factory=list)

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(type label, count) in the order of the unit types: the preview before creating."""
        return units.count_by_type(self.units)

    @property
    def day(self) -> date:
        return date(self.year, 12, 31)


def scope_by_lineage(root: UnitVersion, year: int) -> Scope:
    """The commune-level units valid on 31 December of `year` formed from `root`'s subtree."""
    found = list(units.formed_from(root, date(year, 12, 31)))
    description = _("Các đơn vị hình thành từ %(unit)s") % {"unit": units.version_label(root)}
    return Scope(year, found, description)


def scope_by_codes(codes, year: int) -> Scope:
    """The commune-level units valid on 31 December of `year` with these official codes."""
    found, unknown = units.by_codes(codes, date(year, 12, 31))
    description = _("%(count)s đơn vị theo danh sách mã") % {"count": len(found)}
    return Scope(year, found, description, unknown)


def shifted(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_scope(scope: Scope) -> None:
    unknown = ", ".join(scope.unknown_codes)
    if not scope.units:
        message = _(
            "Phạm vi đánh giá không có đơn vị nào còn hiệu lực ngày %(date)s: "
            "hãy chọn đơn vị khác hoặc nhập danh sách mã đơn vị."
        ) % {"date": f"{scope.day:%d/%m/%Y}"}
        if unknown:
            message += " " + _("Không tìm thấy mã: %(codes)s.") % {"codes": unknown}
        raise ValidationError(message)
    if unknown:
        raise ValidationError(
            _("Không có đơn vị cấp xã còn hiệu lực ngày %(date)s với mã: %(codes)s.")
            % {"date": f"{scope.day:%d/%m/%Y}", "codes": unknown}
        )


@transaction.atomic
def copy_cycle(source: Cycle, scope: Scope, *, actor, name: str = "") -> Cycle:
    """A new cycle for `scope.year` from `source`: its framework, its deadlines moved by the years
    between them, its appraising bodies with their decision frame (heading lines, signing,
    recipients); then opened for the units of `scope`. All or nothing, audited."""
    if not reach.is_province_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được tạo đợt đánh giá."))
    check_scope(scope)
    if scope.year <= source.year:
        raise ValidationError(
            _("Năm của đợt mới (%(year)s) phải sau năm của đợt được sao chép (%(source)s).")
            % {"year": scope.year, "source": source.year}
        )
    if Cycle.objects.filter(program=source.program, year=scope.year).exists():
        raise ValidationError(_("Đã có đợt đánh giá năm %(year)s.") % {"year": scope.year})
    years = scope.year - source.year
    cycle = Cycle.objects.create(
        program=source.program,
        year=scope.year,
        name=name.strip() or _("Đánh giá năm %(year)s") % {"year": scope.year},
        framework=source.framework,
        max_explanation_rounds=source.max_explanation_rounds,
        explanation_days=source.explanation_days,
        late_allowed=source.late_allowed,
        **{name: shifted(getattr(source, name), years) for name in DATE_FIELDS},
    )
    for body in source.bodies.all():
        AppraisingBody.objects.create(cycle=cycle, **{name: getattr(body, name) for name in BODY_FIELDS})
    record(
        actor,
        "cycle.copied",
        cycle,
        {"from": source.year, "scope": scope.description, "units": len(scope.units)},
    )
    open_cycle(cycle, units=scope.units, actor=actor)
    return cycle


def last_cycle(program: str = PROGRAM_NAME) -> Cycle | None:
    return Cycle.objects.filter(program__name=program).order_by("-year").first()


@transaction.atomic
def update_cycle_settings(cycle: Cycle, *, actor, **values) -> Cycle:
    """Change a cycle's calendar and its late-submission setting; audited with old and new values."""
    if not reach.is_province_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được thay đổi đợt đánh giá."))
    allowed = (*DATE_FIELDS, "late_allowed", "max_explanation_rounds", "explanation_days", "name")
    changed = {}
    for name, value in values.items():
        if name not in allowed:
            raise ValueError(name)
        old = getattr(cycle, name)
        if old != value:
            changed[name] = {"old": str(old), "new": str(value)}
            setattr(cycle, name, value)
    if cycle.self_assessment_opens > cycle.self_assessment_closes:
        raise ValidationError(_("Ngày mở tự đánh giá phải trước hạn tự đánh giá."))
    if cycle.decision_from > cycle.decision_until:
        raise ValidationError(_("Ngày bắt đầu ra quyết định phải trước ngày kết thúc."))
    if changed:
        cycle.save(update_fields=list(changed))
        record(actor, "cycle.changed", cycle, changed)
    return cycle


@transaction.atomic
def update_body(body: AppraisingBody, *, changed, actor) -> AppraisingBody:
    """Save an appraising body's Decree 30 frame (heading lines, signing); checked as one
    (`AppraisingBody.clean`: the signing mode agrees with who issues), audited."""
    if not reach.is_province_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được thay đổi cơ quan thẩm định."))
    body.full_clean()
    body.save()
    record(actor, "body.changed", body, {name: str(getattr(body, name)) for name in changed})
    return body
