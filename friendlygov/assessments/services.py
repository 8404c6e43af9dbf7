"""Every write of the assessment area. Each function is atomic, checks the policy, changes the
rows, and records its audit event in the same transaction."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.accounts import reach
from friendlygov.audit.services import changes, record
from friendlygov.core import decree30, rowsql
from friendlygov.frameworks.describe import num
from friendlygov.programs.selectors import rules_for
from friendlygov.programs.services import keep_rules

from . import deadlines, decision_text, evidence_files, permissions, public_results, register, register_rules
from .completeness import Incomplete, missing_for_approval, missing_for_submission
from .completeness import ordered_rows as _scores
from .models import (
    AppraisingBody,
    Assessment,
    Cycle,
    DeadlineExtension,
    Decision,
    DecisionItem,
    Evidence,
    ExplanationRequest,
    IndicatorScore,
    IssuedDecisionImmutable,
    Review,
    SigningMode,
)
from .results import (
    LayerResult,
    ValueRefused,
    bonus_points,
    check_values,
    layer_result,
    published_indicators,
)
from .signals import decision_issued, explanation_requested
from .uploads import check_quotas, check_upload, count_upload
from .workflow import (
    APPRAISED,
    DECIDED,
    SELF,
    Action,
    Stage,
    Status,
    TransitionNotAllowed,
    target_of,
)


class StaleVersion(Exception):
    """Someone else saved this field since the form was loaded: nothing was overwritten."""

    def __init__(self, score):
        self.score = score
        super().__init__(
            _(
                "Chỉ tiêu “%(code)s” vừa được người khác cập nhật. Dữ liệu của bạn chưa được lưu: "
                "hãy xem giá trị mới rồi nhập lại."
            )
            % {"code": score.indicator.code}
        )


class ResultChanged(Exception):
    """The result moved since the person confirmed it (someone saved a score or the bonus after
    the summary was shown): nothing was done; they look again and confirm what they see."""

    def __init__(self, seen, now):
        self.seen, self.now = seen, now
        super().__init__(
            _(
                "Kết quả đã thay đổi từ khi bạn xem bảng tóm tắt (%(seen)s → %(now)s). "
                "Chưa có gì được ghi nhận: hãy xem lại rồi xác nhận."
            )
            % {"seen": num(seen), "now": num(now)}
        )


def _check_seen(expected_score, score) -> None:
    if expected_score is not None and Decimal(expected_score) != score:
        raise ResultChanged(Decimal(expected_score), score)


def _require(user, action, assessment):
    """The policy allows `user` to take `action`, and the assessment's current stage is still open
    (deadlines.hold: refused past its deadline unless extended or late work is allowed)."""
    if not permissions.may(user, action, assessment):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này với hồ sơ này."))
    deadlines.hold(assessment, actor=user)


def _locked(assessment_id) -> Assessment:
    """The assessment row, locked for the rest of the transaction: writes to one assessment queue."""
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle__framework", "unit__parent", "body")
        .get(pk=assessment_id)
    )


def _move(assessment, action, actor, data=None):
    old = assessment.status
    assessment.status = target_of(action, old)
    assessment.version = F("version") + 1
    assessment.save()
    assessment.refresh_from_db(fields=["version"])
    record(
        actor,
        f"assessment.{action}",
        assessment,
        {"status": {"old": old, "new": assessment.status}, **(data or {})},
    )


# --- Cycles -------------------------------------------------------------------------------------


@transaction.atomic
def open_cycle(cycle, *, units, actor) -> int:
    """Create one assessment per unit, each assigned to the appraising body whose area contains
    it (never the unit itself), with one score row per applicable indicator."""
    if not reach.is_province_admin(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được mở đợt đánh giá."))
    if cycle.is_open:
        raise ValidationError(_("Đợt đánh giá này đã được mở."))
    units = list(units)
    if not units:  # a cycle opened on nothing would count every target over zero units
        raise ValidationError(
            _("Phạm vi đánh giá không có đơn vị nào còn hiệu lực ngày %(date)s.")
            % {"date": cycle.scope_date.strftime("%d/%m/%Y")}
        )
    bodies = _bodies_by_unit(cycle)
    leaves = _leaf_indicators(cycle)
    for unit in units:
        if not unit.is_valid_on(cycle.scope_date):
            raise ValidationError(
                _("Đơn vị %(unit)s (%(code)s) không còn hiệu lực ngày %(date)s.")
                % {"unit": unit.name, "code": unit.code, "date": cycle.scope_date.strftime("%d/%m/%Y")}
            )
    # Two inserts for the whole province (235 communes, ~50 rows each), not two per commune.
    assessments = Assessment.objects.bulk_create(
        Assessment(cycle=cycle, unit=unit, body=_body_for(unit, bodies)) for unit in units
    )
    IndicatorScore.objects.bulk_create(
        row
        for assessment, unit in zip(assessments, units, strict=True)
        for row in _score_rows(assessment, unit, leaves)
    )
    created = len(assessments)
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["opened_at", "updated_at"])
    record(actor, "cycle.opened", cycle, {"assessments": created})
    return created


def _bodies_by_unit(cycle) -> dict:
    return {body.unit_id: body for body in AppraisingBody.objects.filter(cycle=cycle)}


def _leaf_indicators(cycle) -> list:
    return list(cycle.framework.indicators.select_related("criterion").filter(children__isnull=True))


def _body_for(unit, bodies):
    """The appraising body whose area contains `unit` (never the unit itself)."""
    body = next((bodies[pk] for pk in reach.chain(unit)[1:] if pk in bodies), None)
    if body is None:
        raise ValidationError(
            _("Chưa có cơ quan thẩm định cho đơn vị %(unit)s (%(code)s).")
            % {"unit": unit.name, "code": unit.code}
        )
    return body


def _applies(indicator, unit) -> bool:
    return not indicator.unit_types or unit.type in indicator.unit_types


def _new_assessment(cycle, unit, bodies, leaves) -> Assessment:
    assessment = Assessment.objects.create(cycle=cycle, unit=unit, body=_body_for(unit, bodies))
    IndicatorScore.objects.bulk_create(_score_rows(assessment, unit, leaves))
    return assessment


def _score_rows(assessment, unit, leaves) -> list:
    """An empty score row for each leaf indicator that applies to the unit's type."""
    return [IndicatorScore(assessment=assessment, indicator=i) for i in leaves if _applies(i, unit)]


# --- A merger or a division while a cycle is open -------------------------------------------------


@dataclass(frozen=True)
class Moved:
    """What moving a cycle's assessments through one lineage event did."""

    carried: Assessment  # the assessment the successor (or the carrying successor) now holds
    merged: list  # unit ids whose assessments were folded into it (a merge)
    created: list  # successor unit ids given a new, empty assessment (a division)


@transaction.atomic
def move_to_successors(cycle, event, *, carrier: str, actor) -> Moved:
    """Move the open assessments of `cycle` through the lineage `event` (a merger, a division, a
    renaming…), by the province administrator, audited.

    - One successor (a merger; a renaming): `carrier` names the predecessor whose assessment seeds
      the successor's: it moves to the successor with its scores, evidence and state; the other
      predecessors' evidence moves with it, and their assessments are closed (their contents kept
      in the audit event).
    - Several successors (a division): `carrier` names the successor that carries the
      predecessor's assessment; each other successor without one gets a new, empty assessment.

    Refused, with nothing changed, when an assessment is decided or named in a draft decision,
    when the unit that would receive it already has one in the cycle, or when the event took
    effect after the cycle's scope date (31 December: the cycle assesses the units before it)."""
    if not permissions.may_move_assessments(actor):
        raise PermissionDenied(_("Chỉ quản trị viên cấp tỉnh được chuyển hồ sơ sang đơn vị kế thừa."))
    if event.effective_date > cycle.scope_date:
        raise ValidationError(
            _(
                "Sự kiện có hiệu lực ngày %(day)s, sau ngày %(scope)s: đợt đánh giá năm %(year)s vẫn "
                "đánh giá các đơn vị trước sự kiện."
            )
            % {
                "day": f"{event.effective_date:%d/%m/%Y}",
                "scope": f"{cycle.scope_date:%d/%m/%Y}",
                "year": cycle.year,
            }
        )
    links = list(event.links.select_related("predecessor", "successor"))
    predecessors = {link.predecessor_id: link.predecessor for link in links}
    successors = {link.successor_id: link.successor for link in links}
    if not links:
        raise ValidationError(_("Sự kiện này không có liên kết kế thừa nào."))
    if len(successors) > 1 and len(predecessors) > 1:
        raise ValidationError(
            _("Sự kiện vừa sáp nhập vừa chia tách; hãy ghi thành các sự kiện riêng trước khi chuyển hồ sơ.")
        )
    found = {
        a.unit_id: a
        for a in Assessment.objects.select_for_update(of=("self",))
        .select_related("unit", "cycle__framework")
        .filter(cycle=cycle, unit_id__in=[*predecessors, *successors])
    }
    moving = [found[pk] for pk in predecessors if pk in found]
    if not moving:
        raise ValidationError(_("Đợt đánh giá này không có hồ sơ nào của các đơn vị trước sự kiện."))
    _check_movable(moving)
    bodies, leaves = _bodies_by_unit(cycle), _leaf_indicators(cycle)
    if len(successors) == 1:
        (successor,) = successors.values()
        if carrier not in predecessors or carrier not in found:
            raise ValidationError(
                _("Hãy chọn hồ sơ của một đơn vị trước sáp nhập để làm hồ sơ của %(unit)s.")
                % {"unit": successor.name}
            )
        _check_free(found, successor)
        carried, merged, created = found[carrier], [a for a in moving if a.unit_id != carrier], []
    else:
        if carrier not in successors:
            raise ValidationError(_("Hãy chọn đơn vị sau chia tách tiếp nhận hồ sơ."))
        successor = successors[carrier]
        _check_free(found, successor)
        (carried,), merged = moving, []
        created = [
            _new_assessment(cycle, unit, bodies, leaves).unit_id
            for pk, unit in successors.items()
            if pk != carrier and pk not in found
        ]
    from_unit = carried.unit
    folded = [_fold_into(carried, other) for other in merged]
    changed_rows = _repoint(carried, successor, _body_for(successor, bodies), leaves)
    data = {
        "event": event.pk,
        "kind": event.kind,
        "from": from_unit.pk,
        "to": successor.pk,
        "carrier": carrier,
        "merged": folded,
        "created": created,
        **changed_rows,
    }
    record(actor, "assessment.moved", carried, data)
    record(actor, "cycle.units_moved", cycle, {"event": event.pk, "assessment": carried.pk, **data})
    return Moved(carried, [item["unit"] for item in folded], created)


def _check_movable(assessments) -> None:
    for assessment in assessments:
        if assessment.status in DECIDED:
            raise ValidationError(
                _("Hồ sơ của %(unit)s đã có quyết định; không chuyển sang đơn vị kế thừa.")
                % {"unit": assessment.unit.name}
            )
        if assessment.decision_items.exists():
            raise ValidationError(
                _("Hồ sơ của %(unit)s đang có trong một dự thảo quyết định; hãy bỏ khỏi dự thảo trước.")
                % {"unit": assessment.unit.name}
            )


def _check_free(found, successor) -> None:
    if successor.pk in found:
        raise ValidationError(
            _("%(unit)s đã có hồ sơ trong đợt đánh giá này; không chuyển thêm hồ sơ khác vào.")
            % {"unit": successor.name}
        )


def _fold_into(carried, other) -> dict:
    """Close `other` (a predecessor's assessment merged into `carried`): its evidence moves to
    `carried`; what it held is returned for the audit event, then it is deleted."""
    moved_evidence = Evidence.objects.filter(assessment=other).update(assessment=carried)
    held = {
        "unit": other.unit_id,
        "assessment": other.pk,
        "status": other.status,
        "self_score": other.self_score,
        "appraised_score": other.appraised_score,
        "evidence_moved": moved_evidence,
        "scores": {
            code: {"self_value": value, "self_na": na, "appraised_value": appraised}
            for code, value, na, appraised in other.scores.values_list(
                "indicator__code", "self_value", "self_na", "appraised_value"
            )
        },
    }
    other.delete()
    return held


def _repoint(assessment, successor, body, leaves) -> dict:
    """Give `assessment` to `successor`: its unit and body, and the score rows its type takes
    (the rows of indicators that do not apply to it are removed, with their values audited)."""
    have = {row.indicator_id: row for row in assessment.scores.select_related("indicator")}
    wanted = {indicator.pk: indicator for indicator in leaves if _applies(indicator, successor)}
    dropped = [have[pk] for pk in have if pk not in wanted]
    IndicatorScore.objects.filter(pk__in=[row.pk for row in dropped]).delete()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(assessment=assessment, indicator=indicator)
        for pk, indicator in wanted.items()
        if pk not in have
    )
    assessment.unit, assessment.body = successor, body
    assessment.version = F("version") + 1
    assessment.save(update_fields=["unit", "body", "version"])
    assessment.refresh_from_db(fields=["version"])
    return {
        "rows_added": sorted(indicator.code for pk, indicator in wanted.items() if pk not in have),
        "rows_removed": {row.indicator.code: row.self_value for row in dropped},
    }


# --- Deadlines ----------------------------------------------------------------------------------


def _stage_due(assessment, stage):
    """The date `stage` is held to for this assessment (the explanation's: of its current round)."""
    cycle = assessment.cycle
    if stage == Stage.SELF_ASSESSMENT:
        return cycle.self_assessment_closes
    if stage == Stage.APPRAISAL:
        return cycle.appraisal_deadline
    return assessment.explanation_due


@transaction.atomic
def grant_extension(assessment, *, stage, until, reason, actor) -> DeadlineExtension:
    """The appraising body keeps one unit's stage open until `until` (a later date than the
    stage's own); granting again replaces the date. Audited with the reason."""
    assessment = _locked(assessment.pk)
    if not permissions.may(actor, permissions.EXTEND, assessment):
        raise PermissionDenied(
            _("Chỉ thủ trưởng cơ quan thẩm định hoặc quản trị viên cấp tỉnh được gia hạn.")
        )
    if stage not in Stage.values:
        raise ValidationError(_("Bước cần gia hạn không hợp lệ."))
    label = Stage(stage).label
    if assessment.status in DECIDED:
        raise ValidationError(_("Hồ sơ đã có quyết định; không còn hạn nào để gia hạn."))
    due = _stage_due(assessment, stage)
    if due is None:
        raise ValidationError(_("Hồ sơ chưa có hạn %(stage)s để gia hạn.") % {"stage": label})
    until = models.DateField().to_python(until)
    if until is None:
        raise ValidationError(_("Cần ghi ngày gia hạn đến."))
    if until <= due:
        raise ValidationError(
            _("Ngày gia hạn (%(until)s) phải sau hạn %(stage)s (%(due)s).")
            % {"until": f"{until:%d/%m/%Y}", "stage": label, "due": f"{due:%d/%m/%Y}"}
        )
    if until < timezone.localdate():
        raise ValidationError(_("Ngày gia hạn (%(until)s) đã qua.") % {"until": f"{until:%d/%m/%Y}"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Cần ghi lý do gia hạn."))
    old = DeadlineExtension.objects.filter(assessment=assessment, stage=stage).first()
    extension, _created = DeadlineExtension.objects.update_or_create(
        assessment=assessment, stage=stage, defaults={"until": until, "reason": reason, "granted_by": actor}
    )
    record(
        actor,
        "deadline.extended",
        assessment,
        {
            "stage": stage,
            "due": due,
            "until": {"old": old.until if old else None, "new": until},
            "reason": reason,
        },
    )
    return extension


# --- Self-assessment ----------------------------------------------------------------------------

SELF_FIELDS = ("self_value", "self_na", "explanation")
APPRAISAL_FIELDS = ("appraised_value", "appraised_na", "appraisal_comment")


@dataclass(frozen=True)
class SavedScore:
    """What one save of a score row answers with, so that a page or the API shows the live totals
    without reading anything again: the row as saved, the locked assessment with its new total,
    every row of the assessment as saved, and the saved layer's result (its totals)."""

    row: IndicatorScore
    assessment: Assessment
    rows: list[IndicatorScore]
    layer: str
    totals: LayerResult


@transaction.atomic
def save_self_score(score: IndicatorScore, *, expected_version: int, actor, **values) -> SavedScore:
    """Save some of the commune's fields of one indicator (value, N/A, explanation)."""
    assessment = _locked_for(score)
    return _save_score(
        score, assessment, permissions.EDIT_SELF, SELF_FIELDS, SELF, expected_version, actor, values
    )


@transaction.atomic
def save_appraised_score(score: IndicatorScore, *, expected_version: int, actor, **values) -> SavedScore:
    """Save some of the appraiser's fields of one indicator; the first save starts the appraisal."""
    assessment = _locked_for(score)
    _receive_if_waiting(assessment, actor)
    return _save_score(
        score, assessment, permissions.APPRAISE, APPRAISAL_FIELDS, APPRAISED, expected_version, actor, values
    )


ASSESSMENT_VALUES = tuple(f.attname for f in Assessment._meta.concrete_fields if not f.is_relation)


def _locked_for(score) -> Assessment:
    """The score's assessment, its row locked for the rest of the transaction.

    When the caller has loaded it (a page or the API reads it to check access), only its own
    values are read again, under the lock, into that object: its cycle, unit and framework never
    change once it is opened, and locking through the six-table join of `_locked` costs
    PostgreSQL more to plan than the whole save does to run."""
    if not IndicatorScore._meta.get_field("assessment").is_cached(score):
        return _locked(score.assessment_id)
    assessment = score.assessment
    (current,) = rowsql.select(Assessment, {"id": assessment.pk}, fields=ASSESSMENT_VALUES, lock=True)
    for name in ASSESSMENT_VALUES:
        setattr(assessment, name, getattr(current, name))
    return assessment


def _save_score(score, assessment, action, allowed, layer, expected_version, actor, values) -> SavedScore:
    """Five statements under the assessment's lock: the lock, the version-checked UPDATE, every row
    of the assessment as saved (the totals and the answer come from those), the assessment's new
    total (only when it changed) and the audit event."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValidationError(_("Trường không hợp lệ: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    _require(actor, action, assessment)
    indicator = score.indicator  # never changes; the caller has usually loaded it
    if layer == APPRAISED:
        _check_reopened(assessment, indicator)
    changed = (*allowed, f"{layer}_points")
    # Every change of a row goes through here and moves its version on, so a row the caller read
    # at the expected version holds the values the UPDATE below replaces (the UPDATE writes only
    # while the version is still the expected one). Otherwise read it again, as it stands.
    current = score if score.version == expected_version else _current_or_stale(score, expected_version)
    before = {field: getattr(current, field) for field in changed}
    after = {**before, **values}
    try:
        after[f"{layer}_points"] = _points(indicator, after[f"{layer}_na"], after[f"{layer}_value"])
    except ValidationError:
        if current is score:  # a stale save is told so before it is told its value is wrong
            _current_or_stale(score, expected_version)
        raise
    after["review"] = _review_after(current, after, layer)
    updated = rowsql.update(
        IndicatorScore,
        {**after, "updated_at": timezone.now()},
        where={"id": score.pk, "version": expected_version},
        increment=("version",),
    )
    if updated != 1:
        if current is score:  # the conflict reports the row as it now stands
            _current_or_stale(score, expected_version)
        raise StaleVersion(_attempted(current, indicator, after))
    rows = _rows_as_saved(assessment)
    saved = next(row for row in rows if row.pk == score.pk)
    totals = _refresh_layer_score(assessment, layer, rows)
    record(
        actor,
        f"score.{layer}_saved",
        assessment,
        {"indicator": indicator.code, **changes(before, {field: getattr(saved, field) for field in changed})},
    )
    return SavedScore(row=saved, assessment=assessment, rows=rows, layer=layer, totals=totals)


def _review_after(current, after, layer) -> str:
    """The appraiser's review of a row once `after` is written: a value they enter marks the row
    accepted when it equals the commune's and changed when it differs (a comment is then
    required); a value the commune changes waits for a new review."""
    if layer == SELF:
        moved = (after["self_na"], after["self_points"]) != (current.self_na, current.self_points)
        return "" if moved else current.review
    row = IndicatorScore(**{**{f: getattr(current, f) for f in ("self_na", "self_points")}, **after})
    if not row.appraised_scored:
        return ""
    return Review.CHANGED if row.differs else Review.ACCEPTED


def _check_reopened(assessment, indicator) -> None:
    """Under review, only the indicators the accepted review request names are appraised again."""
    if assessment.status == Status.UNDER_REVIEW and indicator.pk not in assessment.reopened_indicators:
        raise ValidationError(
            _(
                "Chỉ tiêu %(code)s không thuộc kiến nghị đang được thẩm định lại; chỉ sửa được "
                "các chỉ tiêu mà kiến nghị nêu."
            )
            % {"code": indicator.code}
        )


def _rows_as_saved(assessment) -> list[IndicatorScore]:
    """Every row of the assessment, as `_scores` gives them; a published framework's indicators
    come from memory (results.published_indicators), so only the rows themselves are read."""
    indicators = published_indicators(assessment.cycle.framework)
    if indicators is None:
        return list(_scores(assessment))
    rows = rowsql.select(IndicatorScore, {"assessment_id": assessment.pk})
    for row in rows:
        row.indicator = indicators[row.indicator_id]
    return sorted(rows, key=lambda row: (row.indicator.order, row.indicator_id))


def _current_or_stale(score, expected_version) -> IndicatorScore:
    """The row as it stands in the database, or StaleVersion when it moved past `expected_version`."""
    current = IndicatorScore.objects.get(pk=score.pk)
    if current.version != expected_version:
        current.indicator = score.indicator
        raise StaleVersion(current)
    return current


def _points(indicator, na, value):
    try:
        return check_values(indicator, na=na, value=value)
    except ValueRefused as exc:
        raise ValidationError(str(exc)) from exc


def _attempted(current, indicator, values) -> IndicatorScore:
    """The row with the values that could not be written (what a conflict reports)."""
    attempted = IndicatorScore(
        **{f.attname: getattr(current, f.attname) for f in IndicatorScore._meta.concrete_fields}
    )
    for field, value in values.items():
        setattr(attempted, field, value)
    attempted.indicator = indicator
    return attempted


def _refresh_layer_score(assessment, layer, rows=None) -> LayerResult:
    """The layer's result; the assessment's stored total is written only when it changed."""
    result = layer_result(assessment, _scores(assessment) if rows is None else rows, layer)
    field = "self_score" if layer == SELF else "appraised_score"
    stored = getattr(assessment, field)
    setattr(assessment, field, result.total.total)
    if stored != result.total.total:  # the same UPDATE as save(update_fields=…), without its machinery
        rowsql.update(Assessment, {field: result.total.total}, where={"id": assessment.pk})
    return result


@transaction.atomic
def save_flags(assessment, *, flags: dict, bonus: dict | None = None, actor, layer: str = SELF) -> Assessment:
    """The veto flags (e.g. a leader disciplined in the year) and the bonus of a layer, rule by
    rule: `bonus` maps every bonus rule's code to points (None: no claim, or for the appraiser not
    decided yet) and replaces the layer's lines. Each rule is held to its own cap. A claim the
    commune changes is undecided again for the appraiser."""
    assessment = _locked(assessment.pk)
    _require(actor, permissions.EDIT_SELF if layer == SELF else permissions.APPRAISE, assessment)
    framework = assessment.cycle.framework
    known = {rule.flag for rule in framework.gating_rules_for_scoring() if rule.flag}
    if set(flags) - known:
        raise ValidationError(
            _("Điều kiện không có trong bộ tiêu chí: %(flags)s") % {"flags": ", ".join(set(flags) - known)}
        )
    flag_field, lines_field = f"{layer}_flags", f"{layer}_bonus_by_rule"
    before = _flags_and_bonus(assessment, layer)
    setattr(
        assessment, flag_field, {**getattr(assessment, flag_field), **{k: bool(v) for k, v in flags.items()}}
    )
    if bonus is not None:
        lines = {code: points for code, points in bonus.items() if points is not None}
        if layer == SELF:
            lines = {code: points for code, points in lines.items() if points}
        try:
            total = bonus_points(lines, framework)
        except ValueRefused as exc:
            raise ValidationError(str(exc)) from exc
        setattr(assessment, lines_field, {code: _points_text(points) for code, points in lines.items()})
        if layer == SELF:
            assessment.self_bonus = total
            _reopen_changed_claims(assessment, before["bonus"], framework)
        else:
            assessment.appraised_bonus = total if lines else None
    assessment.save(update_fields=[flag_field, *BONUS_FIELDS])
    _refresh_layer_score(assessment, layer)
    record(
        actor,
        f"assessment.{layer}_flags_saved",
        assessment,
        changes(before, _flags_and_bonus(assessment, layer)),
    )
    return assessment


BONUS_FIELDS = ("self_bonus", "self_bonus_by_rule", "appraised_bonus", "appraised_bonus_by_rule")


def _points_text(points) -> str:
    return format(Decimal(str(points)).normalize(), "f")


def _flags_and_bonus(assessment, layer) -> dict:
    return {
        "flags": getattr(assessment, f"{layer}_flags"),
        "bonus": dict(getattr(assessment, f"{layer}_bonus_by_rule")),
    }


def _reopen_changed_claims(assessment, claimed_before: dict, framework) -> None:
    """A rule whose claim changed loses the appraiser's decision on it: it is decided again."""
    claimed = assessment.self_bonus_by_rule
    changed = {code for code in {*claimed, *claimed_before} if claimed.get(code) != claimed_before.get(code)}
    decided = {k: v for k, v in assessment.appraised_bonus_by_rule.items() if k not in changed}
    if decided != assessment.appraised_bonus_by_rule:
        assessment.appraised_bonus_by_rule = decided
        assessment.appraised_bonus = bonus_points(decided, framework) if decided else None


@transaction.atomic
def upload_evidence(assessment, indicator, uploaded, *, actor) -> Evidence:
    """Store one evidence file: checked by content, within the upload rate and the quotas, and
    written once per content (evidence_files). The same content uploaded again for the same
    indicator of the assessment while the first is not withdrawn makes no second row: the
    existing one is returned, marked `already_there`."""
    assessment = _locked(assessment.pk)
    _require(actor, permissions.EDIT_SELF, assessment)
    if not assessment.scores.filter(indicator=indicator).exists():
        raise ValidationError(_("Chỉ tiêu này không thuộc hồ sơ."))
    count_upload(actor)
    check_quotas(
        uploaded,
        assessment_bytes=evidence_files.kept_bytes(assessment=assessment),
        person_bytes=evidence_files.kept_bytes(person=actor),
    )
    checked = check_upload(uploaded)
    same = evidence_files.live_copy(assessment, indicator, checked.sha256)
    if same is not None:
        # The same file again for the same indicator (a retried upload): the row already there.
        same.already_there = True
        return same
    evidence = Evidence(
        assessment=assessment,
        indicator=indicator,
        original_name=uploaded.name[:255],
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
    )
    twin = evidence_files.twin_of(checked.sha256)
    if twin is not None:
        evidence.file = twin.file.name
    else:
        evidence.file.save(f"upload{checked.suffix}", uploaded, save=False)
    try:
        evidence.save()
    except Exception:
        if twin is None:
            evidence.file.delete(save=False)
        raise
    record(
        actor,
        "evidence.uploaded",
        assessment,
        {
            "indicator": indicator.code,
            "evidence": evidence.pk,
            "name": evidence.original_name,
            "sha256": checked.sha256,
        },
    )
    return evidence


@transaction.atomic
def remove_evidence(evidence, *, actor) -> None:
    """Evidence is withdrawn, not destroyed: the file stays for the audit trail until its retention
    ends (purge_withdrawn_evidence)."""
    assessment = _locked(evidence.assessment_id)
    _require(actor, permissions.EDIT_SELF, assessment)
    Evidence.objects.filter(pk=evidence.pk, removed_at__isnull=True).update(removed_at=timezone.now())
    record(
        actor, "evidence.removed", assessment, {"indicator": evidence.indicator.code, "evidence": evidence.pk}
    )


@dataclass
class Purged:
    rows: int = 0
    files_deleted: int = 0
    bytes_freed: int = 0


def purge_withdrawn_evidence(*, now=None) -> Purged:
    """Delete the files of withdrawn evidence whose retention has ended (evidence_files.purgeable).
    Each row is purged in its own transaction with the rows sharing its file locked; the file is
    deleted after the commit, and only when no other row still uses it. The audit keeps the name
    and hash (`evidence.purged`)."""
    now = now or timezone.now()
    result = Purged()
    for evidence_pk, name in evidence_files.purgeable(now).values_list("pk", "file"):
        with transaction.atomic():
            sharing = evidence_files.sharing_rows(name)
            row = next((r for r in sharing if r.pk == evidence_pk and r.removed_at), None)
            if row is None:  # purged or changed meanwhile
                continue
            Evidence.objects.filter(pk=row.pk).update(purged_at=now, file="")
            last_user = len(sharing) == 1
            record(
                None,
                "evidence.purged",
                row.assessment,
                {
                    "evidence": row.pk,
                    "name": row.original_name,
                    "sha256": row.sha256,
                    "size": row.size,
                    "file_deleted": last_user,
                },
            )
            if last_user:
                transaction.on_commit(partial(row.file.storage.delete, name))
        result.rows += 1
        if last_user:
            result.files_deleted += 1
            result.bytes_freed += row.size
    return result


@transaction.atomic
def submit_assessment(assessment, *, actor, expected_score=None) -> Assessment:
    """`expected_score`: the total the chair confirmed; refused (ResultChanged) if it moved."""
    assessment = _locked(assessment.pk)
    _require(actor, Action.SUBMIT, assessment)
    target_of(Action.SUBMIT, assessment.status)
    problems = missing_for_submission(assessment)
    if problems:
        raise Incomplete(problems)
    assessment.submitted_at = timezone.now()
    result = layer_result(assessment, _scores(assessment), SELF)
    _check_seen(expected_score, result.total.total)
    assessment.self_score = result.total.total
    _move(assessment, Action.SUBMIT, actor, {"self_score": str(result.total.total)})
    return assessment


# --- Appraisal ----------------------------------------------------------------------------------


@transaction.atomic
def start_appraisal(assessment, *, actor) -> Assessment:
    """Receive a submitted assessment; whoever receives one nobody was given to appraises it."""
    assessment = _locked(assessment.pk)
    _require(actor, Action.START_APPRAISAL, assessment)
    _receive(assessment, actor)
    return assessment


def _receive_if_waiting(assessment, actor):
    """The appraiser's first action on a submitted (or resubmitted) assessment receives it."""
    if assessment.status in (Status.SUBMITTED, Status.RESUBMITTED):
        _require(actor, Action.START_APPRAISAL, assessment)
        _receive(assessment, actor)


def _receive(assessment, actor):
    """Start the appraisal (the first receipt, or the return of a resubmission to its appraiser)."""
    if assessment.appraiser_id is None:
        assessment.appraiser = actor
    _move(assessment, Action.START_APPRAISAL, actor)


@transaction.atomic
def return_for_explanation(assessment, *, reasons: dict | None = None, actor) -> list[ExplanationRequest]:
    """Send one round of explanation requests: the drafts written on the indicators, with any
    `reasons` given here ({indicator_id: reason}) added or replacing theirs. Rounds are limited.
    Each request keeps the commune's value and evidence as they were, to show what changed."""
    assessment = _locked(assessment.pk)
    _receive_if_waiting(assessment, actor)
    _require(actor, Action.RETURN, assessment)
    target_of(Action.RETURN, assessment.status)
    drafts = assessment.explanation_requests.filter(draft=True)
    reasons = {
        **{d.indicator_id: d.reason for d in drafts},
        **{int(k): (v or "").strip() for k, v in (reasons or {}).items()},
    }
    if not reasons or not all(reasons.values()):
        raise ValidationError(_("Cần chọn ít nhất một chỉ tiêu và ghi lý do cho từng chỉ tiêu."))
    cycle = assessment.cycle
    if assessment.explanation_rounds >= cycle.max_explanation_rounds:
        raise ValidationError(
            _("Đã hết số vòng giải trình (%(max)s vòng). Hãy duyệt kết quả thẩm định.")
            % {"max": cycle.max_explanation_rounds}
        )
    scores = {s.indicator_id: s for s in _scores(assessment)}
    if set(reasons) - set(scores):
        raise ValidationError(_("Chỉ tiêu không thuộc hồ sơ."))
    drafts.delete()
    files = {}
    for indicator_id, pk in assessment.evidence.filter(removed_at__isnull=True).values_list(
        "indicator_id", "pk"
    ):
        files.setdefault(indicator_id, []).append(pk)
    assessment.explanation_rounds += 1
    assessment.explanation_due = timezone.localdate() + timedelta(days=cycle.explanation_days)
    requests = ExplanationRequest.objects.bulk_create(
        ExplanationRequest(
            assessment=assessment,
            indicator=scores[indicator_id].indicator,
            round=assessment.explanation_rounds,
            reason=reason,
            due=assessment.explanation_due,
            requested_by=actor,
            value_then=scores[indicator_id].self_value,
            na_then=scores[indicator_id].self_na,
            evidence_then=sorted(files.get(indicator_id, [])),
        )
        for indicator_id, reason in reasons.items()
    )
    _move(
        assessment,
        Action.RETURN,
        actor,
        {
            "round": assessment.explanation_rounds,
            "due": assessment.explanation_due,
            "reasons": {scores[i].indicator.code: r for i, r in reasons.items()},
        },
    )
    assessment_id = assessment.pk
    transaction.on_commit(lambda: explanation_requested.send(Assessment, assessment_id=assessment_id))
    return requests


@transaction.atomic
def draft_explanation(score: IndicatorScore, *, reason: str, actor) -> ExplanationRequest | None:
    """Write (or, with an empty reason, withdraw) the request on one indicator that the next round
    will carry; nothing reaches the commune until the round is sent."""
    assessment = _locked(score.assessment_id)
    _require(actor, Action.RETURN, assessment)
    if assessment.status not in (Status.UNDER_APPRAISAL, Status.SUBMITTED, Status.RESUBMITTED):
        raise TransitionNotAllowed(Action.RETURN, assessment.status)
    reason = (reason or "").strip()
    existing = assessment.explanation_requests.filter(draft=True, indicator_id=score.indicator_id).first()
    if not reason:
        if existing is not None:
            existing.delete()
        return None
    if existing is None and assessment.explanation_rounds >= assessment.cycle.max_explanation_rounds:
        raise ValidationError(
            _("Đã hết số vòng giải trình (%(max)s vòng). Hãy duyệt kết quả thẩm định.")
            % {"max": assessment.cycle.max_explanation_rounds}
        )
    if existing is None:
        existing = ExplanationRequest(
            assessment=assessment,
            indicator_id=score.indicator_id,
            round=assessment.explanation_rounds + 1,
            due=timezone.localdate() + timedelta(days=assessment.cycle.explanation_days),
            requested_by=actor,
            draft=True,
        )
    existing.reason = reason
    existing.save()
    return existing


@transaction.atomic
def accept_indicators(assessment, *, score_ids, actor) -> list[IndicatorScore]:
    """Accept the commune's values of some indicators, all of one criterion (never the whole
    commune at once): each becomes the appraised value, marked accepted, through the same save
    as a value typed in (its version checked, its audit event)."""
    assessment = _locked(assessment.pk)
    _require(actor, permissions.APPRAISE, assessment)  # also when every row is accepted already
    wanted = {int(pk) for pk in score_ids}
    rows = [row for row in _scores(assessment) if row.pk in wanted]
    if not rows or len(rows) != len(wanted):
        raise ValidationError(_("Chọn những chỉ tiêu của hồ sơ này để chấp nhận."))
    if len({row.indicator.criterion_id for row in rows}) > 1:
        raise ValidationError(_("Mỗi lần chỉ chấp nhận các chỉ tiêu của một tiêu chí."))
    unscored = [row.indicator.code for row in rows if not row.self_scored]
    if unscored:
        raise ValidationError(
            _("Xã chưa chấm %(codes)s: không có số liệu để chấp nhận.") % {"codes": ", ".join(unscored)}
        )
    saved = []
    for row in rows:
        row.assessment = assessment
        if row.review == Review.ACCEPTED and not row.differs:
            saved.append(row)
            continue
        values = {"appraised_value": row.self_value, "appraised_na": row.self_na}
        saved.append(save_appraised_score(row, expected_version=row.version, actor=actor, **values).row)
    return saved


@transaction.atomic
def assign_appraiser(assessment, *, appraiser, actor) -> Assessment:
    """The head of the body gives a commune to one of its appraisers (or takes it back: None)."""
    assessment = _locked(assessment.pk)
    _require(actor, permissions.ASSIGN, assessment)
    if (
        appraiser is not None
        and not permissions.assignable_appraisers(assessment).filter(pk=appraiser.pk).exists()
    ):
        raise ValidationError(
            _("%(person)s không phải người thẩm định của %(unit)s.")
            % {"person": appraiser, "unit": assessment.unit.name}
        )
    old = assessment.appraiser
    assessment.appraiser = appraiser
    assessment.save(update_fields=["appraiser"])
    record(
        actor,
        "assessment.assigned",
        assessment,
        {"appraiser": {"old": str(old) if old else None, "new": str(appraiser) if appraiser else None}},
    )
    return assessment


@transaction.atomic
def take_over_appraisal(assessment, *, actor) -> Assessment:
    """The head of the body makes a commune given to another appraiser their own, to appraise it
    themselves (the appraiser it was given to then reads it, as the rest of the body does)."""
    assessment = _locked(assessment.pk)
    _require(actor, permissions.TAKE_OVER, assessment)
    old = assessment.appraiser
    assessment.appraiser = actor
    assessment.save(update_fields=["appraiser"])
    record(actor, "assessment.taken_over", assessment, {"appraiser": {"old": str(old), "new": str(actor)}})
    return assessment


@transaction.atomic
def change_indicator(score: IndicatorScore, *, expected_version: int, value, na: bool, comment: str, actor):
    """The appraiser's own value for an indicator instead of the commune's, with the comment that
    says why (required here, where the value is typed; the detail page's autosave may save the
    value first and the comment after, and approval waits for both)."""
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(_("Sửa số liệu của xã cần ghi nhận xét."))
    values = {"appraised_value": None if na else value, "appraised_na": na, "appraisal_comment": comment}
    return save_appraised_score(score, expected_version=expected_version, actor=actor, **values)


def open_requests(assessment):
    """The explanation requests of the latest round (read from the database, not the instance)."""
    latest = Assessment.objects.filter(pk=assessment.pk).values_list("explanation_rounds", flat=True).get()
    return assessment.explanation_requests.filter(round=latest).select_related("indicator")


@transaction.atomic
def respond_to_request(request: ExplanationRequest, *, response: str, actor) -> ExplanationRequest:
    assessment = _locked(request.assessment_id)
    _require(actor, permissions.EDIT_SELF, assessment)
    if assessment.status != Status.RETURNED or request.round != assessment.explanation_rounds:
        raise ValidationError(_("Yêu cầu giải trình này đã đóng."))
    old = request.response
    request.response = response.strip()
    request.responded_at = timezone.now()
    request.save(update_fields=["response", "responded_at"])
    record(
        actor,
        "explanation.responded",
        assessment,
        {
            "indicator": request.indicator.code,
            "round": request.round,
            "response": {"old": old, "new": request.response},
        },
    )
    return request


@transaction.atomic
def resubmit_assessment(assessment, *, actor) -> Assessment:
    assessment = _locked(assessment.pk)
    _require(actor, Action.RESUBMIT, assessment)
    target_of(Action.RESUBMIT, assessment.status)
    unanswered = [r.indicator.code for r in open_requests(assessment) if not r.response.strip()]
    if unanswered:
        raise ValidationError(
            _("Chưa giải trình các chỉ tiêu: %(codes)s.") % {"codes": ", ".join(unanswered)}
        )
    problems = missing_for_submission(assessment)
    if problems:
        raise Incomplete(problems)
    result = layer_result(assessment, _scores(assessment), SELF)
    assessment.self_score = result.total.total
    assessment.submitted_at = timezone.now()
    _move(assessment, Action.RESUBMIT, actor, {"self_score": str(result.total.total)})
    return assessment


@transaction.atomic
def approve_appraisal(assessment, *, actor, expected_score=None) -> Assessment:
    """`expected_score`: the final score the appraiser confirmed; refused (ResultChanged) if the
    result moved since."""
    assessment = _locked(assessment.pk)
    if assessment.status == Status.RESUBMITTED:  # back with its appraiser: no new receipt
        _receive_if_waiting(assessment, actor)
    _require(actor, Action.APPROVE, assessment)
    target_of(Action.APPROVE, assessment.status)
    problems = missing_for_approval(assessment)
    if problems:
        raise Incomplete(problems)
    # The bonus approved is the one decided rule by rule, never the claim (missing_for_approval
    # refuses a claim left undecided).
    assessment.appraised_bonus = bonus_points(assessment.appraised_bonus_by_rule, assessment.cycle.framework)
    result = layer_result(assessment, _scores(assessment), APPRAISED)
    _check_seen(expected_score, result.recognition.score)
    assessment.appraised_score = result.total.total
    assessment.final_score = result.recognition.score
    assessment.final_level = result.recognition.level
    assessment.final_reasons = [failure.reason for failure in result.recognition.failures]
    assessment.appraised_at = timezone.now()
    assessment.reopened_indicators = []
    _move(
        assessment,
        Action.APPROVE,
        actor,
        {
            "final_score": str(assessment.final_score),
            "final_level": assessment.final_level,
            "failed_gates": [f.code for f in result.recognition.failures],
            "reasons": assessment.final_reasons,
        },
    )
    return assessment


@transaction.atomic
def reopen_for_review(assessment, *, indicators, actor, appraiser=None, data=None) -> Assessment:
    """An accepted review request (the reviews app): the unit goes back to the appraiser, who may
    change the named `indicators` only, then approves again; the decision in force stays in force
    until a corrective decision supersedes it. The appraiser the request was assigned to, if any,
    becomes the commune's appraiser (the one who takes the appraisal's actions)."""
    assessment = _locked(assessment.pk)
    _require(actor, Action.REOPEN_FOR_REVIEW, assessment)
    target_of(Action.REOPEN_FOR_REVIEW, assessment.status)
    codes = {s.indicator_id: s.indicator.code for s in _scores(assessment)}
    ids = sorted({indicator.pk for indicator in indicators})
    if not ids or set(ids) - set(codes):
        raise ValidationError(_("Cần nêu ít nhất một chỉ tiêu của hồ sơ để thẩm định lại."))
    assessment.reopened_indicators = ids
    if appraiser is not None:
        assessment.appraiser = appraiser
    _move(
        assessment, Action.REOPEN_FOR_REVIEW, actor, {"indicators": [codes[i] for i in ids], **(data or {})}
    )
    return assessment


@transaction.atomic
def copy_self_to_appraisal(assessment, *, actor) -> int:
    """Fill the appraised values with the commune's, for building test fixtures only: people and
    programs accept criterion by criterion (`accept_indicators`), never the whole commune."""
    _require(actor, permissions.APPRAISE, _locked(assessment.pk))
    copied = 0
    for score in _scores(assessment):
        if not score.appraised_scored and score.self_scored:
            save_appraised_score(
                score,
                expected_version=score.version,
                actor=actor,
                appraised_value=score.self_value,
                appraised_na=score.self_na,
            )
            copied += 1
    return copied


# --- Many at once -------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitOutcome:
    """What a bulk action did to one assessment: done, or refused with the reason."""

    assessment: Assessment
    done: bool
    reason: str = ""


def _each(assessments, action, run, *, actor) -> list[UnitOutcome]:
    """`run(assessment)` on each assessment in its own transaction, through the single service:
    a refusal is reported with its reason and recorded for the unit (its own event, beside the
    service's events for the units done), and never stops the rest."""
    outcomes = []
    for assessment in assessments:
        try:
            with transaction.atomic():
                assessment = run(assessment)
        except (ValidationError, TransitionNotAllowed, PermissionDenied, ResultChanged) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            with transaction.atomic():
                record(actor, f"assessment.{action}_refused", assessment, {"reason": reason, "bulk": True})
            outcomes.append(UnitOutcome(assessment, False, reason))
        else:
            outcomes.append(UnitOutcome(assessment, True))
    return outcomes


def receive_many(assessments, *, actor) -> list[UnitOutcome]:
    """Receive many submitted (or resubmitted) assessments at once: each starts its appraisal
    through `start_appraisal`."""
    return _each(assessments, Action.START_APPRAISAL, lambda a: start_appraisal(a, actor=actor), actor=actor)


def assign_many(assessments, *, appraiser, actor) -> list[UnitOutcome]:
    """Give many communes to one appraiser, each through `assign_appraiser`."""
    return _each(
        assessments,
        permissions.ASSIGN,
        lambda a: assign_appraiser(a, appraiser=appraiser, actor=actor),
        actor=actor,
    )


def approve_many(assessments, *, expected_scores: dict, actor) -> list[UnitOutcome]:
    """Approve many appraisals at once, each through `approve_appraisal` with the final score the
    appraiser confirmed for it in the summary table (`expected_scores`: assessment id → score)."""
    return _each(
        assessments,
        Action.APPROVE,
        lambda a: approve_appraisal(a, actor=actor, expected_score=expected_scores.get(a.pk)),
        actor=actor,
    )


# --- Decisions ----------------------------------------------------------------------------------


def _require_head(actor, body):
    if not permissions.may_decide_for(actor, body):
        raise PermissionDenied(_("Chỉ thủ trưởng cơ quan thẩm định được lập và ban hành quyết định."))


def _require_issuer(actor, body):
    if not permissions.may_issue_for(actor, body):
        raise PermissionDenied(
            _("Chỉ thủ trưởng hoặc văn thư của cơ quan thẩm định được ban hành quyết định.")
        )


@transaction.atomic
def draft_decision(
    body,
    *,
    assessments,
    signed_on,
    signer_name,
    legal_bases,
    actor,
    number="",
    supersedes=None,
    kind=Decision.Kind.RECOGNITION,
    date_reason="",
    signing_mode="",
    signer_title="",
    recipients="",
) -> Decision:
    """A draft of the head of `body`. Its number may be left to the issue (the clerk numbers it
    then); its date is checked when it is issued, as the draft stays editable until then."""
    _require_head(actor, body)
    if kind == Decision.Kind.REVOCATION and supersedes is None:
        raise ValidationError(_("Quyết định thu hồi phải chỉ rõ quyết định bị thu hồi."))
    if supersedes is not None:
        _check_supersedes(supersedes, body)
    assessments = _units_to_decide(body, kind, supersedes, assessments)
    decision = Decision(cycle=body.cycle, body=body, kind=kind, supersedes=supersedes, created_by=actor)
    _set_draft_values(
        decision,
        number=number,
        signed_on=signed_on,
        signer_name=signer_name,
        legal_bases=legal_bases,
        date_reason=date_reason,
        signing_mode=signing_mode,
        signer_title=signer_title,
        recipients=recipients,
    )
    decision.save()
    _put_units(decision, assessments)
    record(
        actor,
        "decision.drafted",
        decision,
        {"number": decision.number, "units": [a.unit.code for a in assessments]},
    )
    return decision


DRAFT_FIELDS = (
    "number",
    "signed_on",
    "signer_name",
    "legal_bases",
    "date_reason",
    "signing_mode",
    "signer_title",
    "recipients",
)


@transaction.atomic
def update_draft(decision, *, actor, assessments=None, **values) -> Decision:
    """Change a draft (its text, date, proposed number, or the units of a recognition that
    supersedes nothing); an issued decision never changes."""
    decision = (
        Decision.objects.select_for_update(of=("self",)).select_related("body__cycle").get(pk=decision.pk)
    )
    _require_head(actor, decision.body)
    if decision.is_issued:
        raise IssuedDecisionImmutable(decision.number)
    unknown = set(values) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(_("Trường không hợp lệ: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    before = {field: getattr(decision, field) for field in DRAFT_FIELDS}
    _set_draft_values(decision, **{**before, **values})
    data = changes(before, {field: getattr(decision, field) for field in DRAFT_FIELDS})
    if assessments is not None:
        units = _units_to_decide(decision.body, decision.kind, decision.supersedes, assessments)
        old = sorted(decision.items.values_list("assessment__unit__code", flat=True))
        new = sorted(a.unit.code for a in units)
        if old != new:
            decision.items.all().delete()
            _put_units(decision, units)
            data["units"] = {"old": old, "new": new}
    decision.save()
    record(actor, "decision.draft_changed", decision, data)
    return decision


def _set_draft_values(
    decision,
    *,
    number,
    signed_on,
    signer_name,
    legal_bases,
    date_reason,
    signing_mode,
    signer_title,
    recipients,
):
    signed_on = models.DateField().to_python(signed_on)
    if signed_on is None:
        raise ValidationError(_("Cần ghi ngày ký."))
    if not (legal_bases or "").strip():
        raise ValidationError(_("Cần ghi ít nhất một căn cứ pháp lý."))
    body = decision.body
    decision.authority = register_rules.authority_key(body.issuing_authority)
    decision.signed_on = signed_on
    decision.signer_name = (signer_name or "").strip()
    decision.legal_bases = legal_bases.strip()
    decision.date_reason = (date_reason or "").strip()
    decision.recipients = (recipients or "").strip() or decision_text.default_recipients(body, signed_on)
    _set_signing(decision, body, signing_mode or body.signing_mode, signer_title)
    decision.number = ""
    if (number or "").strip():
        parsed = _parsed_number(number)
        _check_number_free(decision, parsed.serial, signed_on.year)
        decision.number = str(parsed)


def _set_signing(decision, body, mode, signer_title):
    """The signing mode must fit who decides (Decree 30): TM. only for a collective, a direct
    signature only by a head; KT., TL. and TUQ. name the signer's own title (a KT. without one
    takes the body's deputy title); the other modes print none."""
    if mode not in SigningMode.values:
        raise ValidationError(_("Hình thức ký không hợp lệ: %(mode)s") % {"mode": mode})
    signer_title = decree30.upper(signer_title)
    if mode == SigningMode.FOR_HEAD and not signer_title:
        signer_title = decree30.upper(body.deputy_title)
    problems = decree30.signing_problems(mode, collective=body.is_collective, signer_title=signer_title)
    if problems:
        raise ValidationError(problems)
    decision.signing_mode = mode
    decision.signer_title = signer_title if mode in decree30.NEEDS_SIGNER_TITLE else ""


def _parsed_number(text) -> register_rules.DecisionNumber:
    try:
        return register_rules.parse_number(text)
    except register_rules.NumberRefused as exc:
        raise ValidationError(str(exc)) from exc


def _check_number_free(decision, serial, year):
    holder = (
        Decision.objects.filter(authority=decision.authority, register_year=year, serial=serial)
        .exclude(pk=decision.pk)
        .first()
    )
    if holder is not None:
        raise ValidationError(_number_taken(decision, serial, year, holder))


def _number_taken(decision, serial, year, holder=None) -> str:
    return _(
        "Số %(serial)s năm %(year)s của %(authority)s đã cấp cho quyết định số %(number)s; "
        "mỗi số chỉ dùng một lần trong năm."
    ) % {
        "serial": f"{serial:02d}",
        "year": year,
        "authority": decision.body.issuing_authority,
        "number": holder.number if holder else f"{serial:02d}",
    }


def _units_to_decide(body, kind, supersedes, assessments) -> list[Assessment]:
    """The units, read afresh (and once each), after checking that this decision may name them."""
    ids = list(dict.fromkeys(a.pk for a in assessments))
    by_id = Assessment.objects.select_related("unit").in_bulk(ids)
    assessments = [by_id[pk] for pk in ids if pk in by_id]
    if not assessments:
        raise ValidationError(_("Cần chọn ít nhất một đơn vị."))
    wanted_status = Status.APPRAISED if kind == Decision.Kind.RECOGNITION and supersedes is None else None
    named = set(supersedes.items.values_list("assessment_id", flat=True)) if supersedes else set()
    live = register.in_force_items(ids) if supersedes else {}
    for assessment in assessments:
        if supersedes is not None and assessment.pk not in named:
            raise ValidationError(
                _(
                    "%(unit)s không có trong quyết định số %(number)s; chỉ thay thế hay thu hồi "
                    "được đơn vị mà quyết định đó đã quyết định."
                )
                % {"unit": assessment.unit.name, "number": supersedes.number}
            )
        if supersedes is not None:
            _check_target_decides(kind, supersedes.pk, assessment, live.get(assessment.pk, []))
        if assessment.body_id != body.pk:
            raise ValidationError(
                _("%(unit)s không thuộc cơ quan thẩm định này.") % {"unit": assessment.unit.name}
            )
        if wanted_status and assessment.status != wanted_status:
            raise ValidationError(
                _("%(unit)s chưa được duyệt kết quả thẩm định (trạng thái: %(status)s).")
                % {"unit": assessment.unit.name, "status": assessment.get_status_display()}
            )
    return assessments


def _put_units(decision, assessments):
    DecisionItem.objects.bulk_create(
        DecisionItem(
            decision=decision,
            assessment=a,
            final_score=a.final_score,
            level=a.final_level or 0,
            reasons=a.final_reasons,
        )
        for a in assessments
    )


def _check_target_decides(kind, supersedes_id, assessment, live):
    """A unit already decided is decided again, or revoked, only by a decision that supersedes one
    in force for it; a decision that supersedes another touches only units that one still decides.
    So two decisions never decide one unit at once, and revoking one never undoes another."""
    unit = assessment.unit.name
    if not live:
        if supersedes_id is None and kind == Decision.Kind.RECOGNITION:
            return
        raise ValidationError(
            _("%(unit)s chưa có quyết định nào đang có hiệu lực để thay thế hay thu hồi.") % {"unit": unit}
        )
    if supersedes_id not in {item.decision_id for item in live}:
        raise ValidationError(
            _(
                "%(unit)s đang được quyết định số %(number)s công nhận; quyết định mới phải thay thế "
                "hoặc thu hồi chính quyết định đó."
            )
            % {"unit": unit, "number": live[0].decision.number}
        )
    others = [item.decision.number for item in live if item.decision_id != supersedes_id]
    if others and kind == Decision.Kind.RECOGNITION:
        raise ValidationError(
            _(
                "%(unit)s còn được quyết định số %(numbers)s quyết định; hãy thu hồi quyết định đó "
                "trước khi công nhận lại."
            )
            % {"unit": unit, "numbers": ", ".join(others)}
        )


def _check_supersedes(old, body):
    """A decision replaces or revokes only an issued decision of its own body (so of its own
    cycle): a head cannot revoke another body's decision, nor last year's."""
    if old.body_id != body.pk:
        raise ValidationError(
            _(
                "Quyết định số %(number)s do cơ quan khác hoặc thuộc năm khác; "
                "không thể thay thế hay thu hồi ở đây."
            )
            % {"number": old.number}
        )
    if not old.is_issued:
        raise ValidationError(
            _("Quyết định số %(number)s chưa ban hành; chỉ thay thế hay thu hồi được quyết định đã ban hành.")
            % {"number": old.number}
        )


@transaction.atomic
def band_undecided_again(program_id, *, actor) -> int:
    """After a program's rules changed: every appraised unit of the program's cycles not yet
    decided gets the level of its final score under the new bands (0 still, when a condition of
    the framework failed: its reasons are kept), as the decision will read it. A decided cycle
    keeps its version and is not touched. Returns how many assessments changed level."""
    changed = 0
    for cycle in Cycle.objects.filter(program_id=program_id, rules_kept_at__isnull=True):
        rules = rules_for(cycle)
        undecided = (
            Assessment.objects.select_for_update()
            .filter(cycle=cycle, final_score__isnull=False)
            .exclude(status__in=DECIDED)
        )
        for assessment in undecided:
            level = 0 if assessment.final_reasons else rules.level_for(assessment.final_score)
            if level == assessment.final_level:
                continue
            record(
                actor,
                "assessment.banded_again",
                assessment,
                {
                    "final_score": str(assessment.final_score),
                    "old": assessment.final_level,
                    "new": level,
                    "rules_version": rules.version_id,
                },
            )
            Assessment.objects.filter(pk=assessment.pk).update(final_level=level)
            changed += 1
    return changed


@transaction.atomic
def issue_decision(decision, *, actor, number=None, signed_on=None, date_reason=None) -> Decision:
    """Issue a draft: it is numbered in its authority's register (the number given, else the one
    the draft proposes, else the next free one), its date checked, and it becomes immutable and its
    results public. A recognition settles its units (superseding the decision in force for those
    already decided); a revocation sends a unit back to "appraised" unless another decision in
    force still decides it."""
    decision = (
        Decision.objects.select_for_update(of=("self",))
        .select_related("body__cycle", "supersedes")
        .get(pk=decision.pk)
    )
    _require_issuer(actor, decision.body)
    if decision.is_issued:
        raise IssuedDecisionImmutable(decision.number)
    given = {"number": number, "signed_on": signed_on, "date_reason": date_reason}
    given = {field: value for field, value in given.items() if value is not None}
    _set_draft_values(decision, **{**{f: getattr(decision, f) for f in DRAFT_FIELDS}, **given})
    items = list(decision.items.select_related("assessment__unit"))
    _check_signing_date(decision, [item.assessment for item in items])
    now = timezone.now()
    for item in items:
        assessment = _locked(item.assessment_id)
        live = register.in_force_for(assessment)
        _check_target_decides(decision.kind, decision.supersedes_id, assessment, live)
        remaining = [other for other in live if other.decision_id != decision.supersedes_id]
        if decision.kind == Decision.Kind.RECOGNITION:
            _settle(assessment, item, decision, actor, now)
        elif remaining:
            _settle(assessment, remaining[0], decision, actor, now)
        else:
            _move(assessment, Action.REOPEN_DECISION, actor, {"decision": decision.number})
    # The year is judged with the rules in force now: a later edit of the program makes a new
    # version and leaves this cycle on this one.
    keep_rules(decision.body.cycle, actor=actor)
    decision.state = Decision.State.ISSUED
    decision.issued_at = now
    decision.frame = decision.body.frame().as_dict()
    _enter_in_register(decision, chosen=bool(decision.number))
    # Inside the transaction: what reacts (the reviews app settling its requests) is written
    # together with the decision, or not at all.
    decision_issued.send(Decision, decision_id=decision.pk, actor=actor)
    record(
        actor,
        "decision.issued",
        decision,
        {
            "number": decision.number,
            "kind": decision.kind,
            "signed_on": decision.signed_on,
            "date_reason": decision.date_reason,
        },
    )
    public_results.forget()
    return decision


def _check_signing_date(decision, assessments):
    cycle = decision.body.cycle
    facts = [
        register_rules.DatedFact(
            timezone.localdate(a.appraised_at),
            _("ngày duyệt kết quả thẩm định của %(unit)s") % {"unit": a.unit.name},
        )
        for a in assessments
        if a.appraised_at is not None
    ]
    if decision.supersedes is not None:
        old = decision.supersedes
        what = _("ngày ký quyết định số %(number)s") % {"number": old.number}
        facts.append(register_rules.DatedFact(old.signed_on, what))
    problems = register_rules.signing_date_problems(
        decision.signed_on,
        today=timezone.localdate(),
        not_before=facts,
        window=(cycle.decision_from, cycle.decision_until),
        reason=decision.date_reason,
    )
    problems += decision_text.law_problems(decision.legal_bases, decision.signed_on)
    if problems:
        raise ValidationError(problems)


def _enter_in_register(decision, *, chosen: bool, attempts: int = 3):
    """Save the issued decision under its number. The database holds one số per authority and
    year (a constraint): a number someone else took a moment ago is refused when the issuer chose
    it, and replaced by the next free one when the register proposed it."""
    year = decision.signed_on.year
    for attempt in range(attempts):
        if not chosen:
            decision.number = register.next_number(decision)
        parsed = _parsed_number(decision.number)
        decision.register_year, decision.serial = year, parsed.serial
        try:
            with transaction.atomic():
                decision.save()
            return
        except IntegrityError as exc:
            if chosen or attempt == attempts - 1:
                raise ValidationError(_number_taken(decision, parsed.serial, year)) from exc


def _settle(assessment, item, decision, actor, now):
    """Make the unit say what `item` (of the decision in force) decides; a unit that already says
    it is left untouched."""
    outcome = Status.RECOGNISED if item.level > 0 else Status.NOT_RECOGNISED
    if (
        assessment.status == outcome
        and assessment.final_level == item.level
        and item.decision_id != decision.pk
    ):
        return
    if assessment.is_decided:
        _move(assessment, Action.REOPEN_DECISION, actor, {"decision": decision.number})
    assessment.decided_at = now
    assessment.final_level = item.level
    action = Action.RECOGNISE if item.level > 0 else Action.REFUSE
    data = {"decision": decision.number}
    if item.decision_id != decision.pk:
        data["in_force"] = item.decision.number
    _move(assessment, action, actor, data)
