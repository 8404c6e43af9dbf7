"""The 2024 cycle of the assessment tests (two districts of Hải Dương, personas around Xã Đồng
Cẩm), the default survey form, an empty throttle cache, and helpers that answer the survey."""

from datetime import date

import pytest
import time_machine

from friendlygov.assessments.testing import keep_2024_calendar
from friendlygov.feedback.models import SurveyResponse
from friendlygov.feedback.services import publish_default_form

# The 2024 cycle's self-assessment closes on 30 November 2024.
DURING_EMBARGO = date(2024, 11, 15)
AFTER_EMBARGO = date(2024, 12, 5)


@pytest.fixture(autouse=True)
def _calendar_2024(request):
    """The embargo counts from the 2024 self-assessment close (see keep_2024_calendar)."""
    keep_2024_calendar(request)


@pytest.fixture
def survey_form(db):
    return publish_default_form()[0]


@pytest.fixture
def on_day():
    """with on_day(date(...)): … — the clock stopped at noon, Vietnam time, on that day."""

    def travel(day):
        return time_machine.travel(f"{day.isoformat()} 12:00 +07:00", tick=False)

    return travel


def add_responses(assessment, form, values, *, channel="qr", day=DURING_EMBARGO, aspects=None):
    """Bulk answers for tests about what comes after a response is stored."""
    rows = [
        SurveyResponse(assessment=assessment, form=form, channel=channel, overall=v, received_on=day)
        for v in values
    ]
    created = SurveyResponse.objects.bulk_create(rows)
    if aspects:
        from friendlygov.feedback.models import SurveyAnswer

        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=r, question=code, value=value)
            for r in created
            for code, value in aspects.items()
        )
    return created
