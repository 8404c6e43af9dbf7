"""Synthetic survey answers for a few communes of the demo cycles (labelled as demo data like the
rest). Idempotent: a unit that already has answers in a cycle is left as it is. Written in bulk."""

import random
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from friendlygov.accounts.models import User
from friendlygov.assessments.models import Assessment

from .models import Channel, SampleFrame, SurveyAnswer, SurveyResponse
from .sanitise import clean_comment
from .services import publish_default_form

SEED = 2026_05
YEARS = (2025, 2026)
UNITS_PER_CYCLE = 8
FEATURED = "Xã Kim Thành"
COMMENTS = (
    "Cán bộ hướng dẫn tận tình, thủ tục nhanh.",
    "Phải chờ hơi lâu vào buổi sáng thứ Hai.",
    "Nên có thêm ghế ngồi và nước uống ở khu chờ.",
    "Hướng dẫn rõ ràng, cảm ơn cán bộ một cửa. Có gì gọi tôi 0912 345 678.",
    "Biển chỉ dẫn nhỏ, người già khó đọc.",
    "Rất hài lòng, làm xong trong ngày.",
)


def _answer(rng, satisfaction: float) -> int:
    return rng.choice((4, 5)) if rng.random() < satisfaction else rng.choice((1, 2, 3, 3))


def _units(year):
    assessments = list(
        Assessment.objects.filter(cycle__year=year, unit__level=3)
        .select_related("cycle", "unit")
        .order_by("unit__code")
    )
    featured = [a for a in assessments if a.unit.name == FEATURED]
    others = [a for a in assessments if a.unit.name != FEATURED]
    return featured + others[: UNITS_PER_CYCLE - len(featured)]


def seed_demo_surveys(*, log=print) -> int:
    """Answers for a few communes of each demo cycle; returns how many responses it created."""
    form, _created = publish_default_form()
    definition = form.parsed()
    officer = User.objects.filter(is_superuser=True).order_by("pk").first()
    created = 0
    for year in YEARS:
        for index, assessment in enumerate(_units(year)):
            if SurveyResponse.objects.filter(assessment=assessment).exists():
                continue
            rng = random.Random(SEED + year * 100 + index)  # noqa: S311  # nosec B311 - reproducible demo data
            with transaction.atomic():
                created += _seed_unit(assessment, form, definition, officer, rng)
    if created:
        log(f"survey answers: {created} created")
    return created


def _seed_unit(assessment, form, definition, officer, rng) -> int:
    satisfaction = rng.uniform(0.62, 0.97)
    count = rng.randint(30, 150)
    end = min(timezone.localdate(), date(assessment.cycle.year, 12, 31))
    start = date(assessment.cycle.year, 3, 1)
    span = max((end - start).days, 1)
    responses = []
    for _ in range(count):
        paper = rng.random() < 0.3
        comment = rng.choice(COMMENTS) if rng.random() < 0.12 else ""
        responses.append(
            SurveyResponse(
                assessment=assessment,
                form=form,
                channel=Channel.PAPER if paper else Channel.QR,
                overall=_answer(rng, satisfaction),
                comment=clean_comment(comment, max_length=settings.FEEDBACK_COMMENT_MAX),
                received_on=start + timedelta(days=rng.randrange(span)),
                entered_by=officer if paper else None,
            )
        )
    responses = SurveyResponse.objects.bulk_create(responses)
    answers = [
        SurveyAnswer(response=response, question=question.code, value=_answer(rng, satisfaction + 0.03))
        for response in responses
        for question in definition.aspects
        if rng.random() < 0.6
    ]
    SurveyAnswer.objects.bulk_create(answers)
    if officer is not None and rng.random() < 0.6:
        SampleFrame.objects.get_or_create(
            assessment=assessment,
            defaults={
                "population": rng.randint(150, 1500),
                "basis": "Số hồ sơ TTHC đã giải quyết (mô phỏng)",
                "updated_by": officer,
            },
        )
    return len(responses)
