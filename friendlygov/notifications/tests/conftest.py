"""The assessment area's 2024 cycle on its 2024 calendar (self-assessment closes 30/11/2024,
appraisal due 31/12/2024) and its personas, each with an e-mail address. The reminders run on a
travelled clock while the tests move assessments at today's date, so the cycle allows late work
(deadlines.py) rather than locking each stage at its deadline."""

import pytest

from friendlygov.assessments.testing import keep_2024_calendar


@pytest.fixture(autouse=True)
def _calendar_2024(request):
    keep_2024_calendar(request)


@pytest.fixture
def staff(people):
    """officer, chair (Đồng Cẩm), appraiser, head (Kim Thành), outsiders, with e-mail addresses."""
    for name, client in people.items():
        client.user.email = f"{name}@example.gov.vn"
        client.user.save(update_fields=["email"])
    return people
