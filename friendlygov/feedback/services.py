"""Every write of citizen feedback. Officers' writes check the policy and are audited; a citizen's
answer is deliberately not audited (the audit trail would add a time-stamped trace of a person)
and a refused submission only adds one to a counter."""

from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.audit.services import record

from . import permissions
from .definition import SCALE, read_definition
from .models import Channel, RefusedCount, SampleFrame, SurveyAnswer, SurveyForm, SurveyResponse
from .sanitise import clean_comment

MAX_POPULATION = 10_000_000


def publish_default_form() -> tuple[SurveyForm, bool]:
    """The shipped default form, published once (idempotent). Returns (form, created)."""
    definition = read_definition()
    form, created = SurveyForm.objects.get_or_create(
        code=definition.code,
        version=definition.version,
        defaults={
            "program": definition.program,
            "definition": definition.model_dump(mode="json"),
            "published_at": timezone.now(),
        },
    )
    return form, created


def _check_value(value, label) -> int:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number not in SCALE:
        raise ValidationError(_("%(question)s: chọn một mức từ 1 đến 5.") % {"question": label})
    return number


def clean_answers(form: SurveyForm, overall, aspects: dict) -> tuple[int, dict[str, int]]:
    """The overall answer (required) and the aspect answers given, each 1–5; unknown codes refused."""
    definition = form.parsed()
    overall_value = _check_value(overall, definition.overall.text())
    if overall_value is None:
        raise ValidationError(_("Hãy chọn mức hài lòng chung (câu hỏi đầu tiên)."))
    known = {q.code: q for q in definition.aspects}
    unknown = sorted(set(aspects) - set(known))
    if unknown:
        raise ValidationError(_("Câu hỏi không có trong phiếu: %(codes)s.") % {"codes": ", ".join(unknown)})
    values = {code: _check_value(value, known[code].text()) for code, value in aspects.items()}
    return overall_value, {code: value for code, value in values.items() if value is not None}


def _create(assessment, form, *, channel, overall, aspects, comment, received_on, entered_by=None):
    overall, aspects = clean_answers(form, overall, aspects)
    response = SurveyResponse.objects.create(
        assessment=assessment,
        form=form,
        channel=channel,
        overall=overall,
        comment=clean_comment(comment, max_length=settings.FEEDBACK_COMMENT_MAX),
        received_on=received_on,
        entered_by=entered_by,
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question=code, value=value) for code, value in aspects.items()
    )
    return response


@transaction.atomic
def record_citizen_response(assessment, form, *, overall, aspects, comment="") -> SurveyResponse:
    """A citizen's answer through the QR link (channel "qr"), dated today, with no identity."""
    return _create(
        assessment,
        form,
        channel=Channel.QR,
        overall=overall,
        aspects=aspects,
        comment=comment,
        received_on=timezone.localdate(),
    )


def _require_open(assessment):
    if not permissions.survey_open(assessment):
        raise ValidationError(
            _("Đơn vị đã có quyết định công nhận: số liệu khảo sát dùng để quyết định không còn sửa được.")
        )


@transaction.atomic
def record_paper_response(
    assessment, form, *, overall, aspects, comment="", received_on: date | None = None, actor
) -> SurveyResponse:
    """A paper form typed in by an officer of the commune (channel "paper")."""
    if not permissions.may_enter_paper(actor, assessment):
        raise PermissionDenied(_("Chỉ cán bộ của chính xã mới nhập được phiếu giấy của xã."))
    _require_open(assessment)
    today = timezone.localdate()
    received_on = received_on or today
    if received_on > today or received_on.year != assessment.cycle.year:
        raise ValidationError(
            _("Ngày nhận phiếu phải thuộc năm %(year)s và không sau hôm nay.")
            % {"year": assessment.cycle.year}
        )
    response = _create(
        assessment,
        form,
        channel=Channel.PAPER,
        overall=overall,
        aspects=aspects,
        comment=comment,
        received_on=received_on,
        entered_by=actor,
    )
    # The answers stay out of the audit trail: who entered a paper form, for which unit, is enough.
    record(actor, "feedback.paper_entered", assessment, {"response": response.pk, "channel": Channel.PAPER})
    return response


@transaction.atomic
def set_population(assessment, population, *, basis="", actor) -> SampleFrame:
    """N, the size of the population surveyed (e.g. dossiers handled in the year)."""
    if not permissions.may_set_population(actor, assessment):
        raise PermissionDenied(_("Bạn không có quyền nhập quy mô tổng thể cho đơn vị này."))
    _require_open(assessment)
    if (
        isinstance(population, bool)
        or not isinstance(population, int)
        or not 1 <= population <= MAX_POPULATION
    ):
        raise ValidationError(
            _("Quy mô tổng thể N phải là số nguyên từ 1 đến %(max)s.") % {"max": f"{MAX_POPULATION:,}"}
        )
    basis = (basis or "").strip()[:200]
    frame = SampleFrame.objects.filter(assessment=assessment).first()
    old = {"population": frame.population, "basis": frame.basis} if frame else {}
    if frame is None:
        frame = SampleFrame(assessment=assessment)
    frame.population, frame.basis, frame.updated_by = population, basis, actor
    frame.save()
    record(
        actor,
        "feedback.population_set",
        assessment,
        {"old": old, "new": {"population": population, "basis": basis}},
    )
    return frame


def count_refusal(unit, reason) -> None:
    """One more refused submission for `unit` today: the only trace a refusal leaves."""
    day = timezone.localdate()
    updated = RefusedCount.objects.filter(unit=unit, day=day, reason=reason).update(count=F("count") + 1)
    if updated:
        return
    try:
        with transaction.atomic():
            RefusedCount.objects.create(unit=unit, day=day, reason=reason, count=1)
    except IntegrityError:  # another request created the row first
        RefusedCount.objects.filter(unit=unit, day=day, reason=reason).update(count=F("count") + 1)
