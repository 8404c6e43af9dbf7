"""Reminders about review requests: the heads when one is filed, the assigned appraiser, the
deadline before and after the due day (escalated to the supervisors), the commune when answered;
each occasion once."""

import pytest
from django.core import mail
from django.core.management import call_command

from friendlygov.notifications.models import SentReminder
from friendlygov.reviews import services
from friendlygov.reviews.testing import issue_on_6_january, named_and_other, on

pytestmark = pytest.mark.django_db


def sent_to(step_subject):
    return sorted(address for m in mail.outbox if step_subject in m.subject for address in m.to)


def run(*day):
    with on(*day, hour=7):
        call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.fixture
def filed(draft, staff):
    issue_on_6_january(draft, staff["head"].user)
    dong_cam = draft.items.get(assessment__unit__name="Xã Đồng Cẩm").assessment
    named, _ = named_and_other(dong_cam)
    with on(2025, 1, 10):
        return services.file_request(
            dong_cam, indicators=[named.indicator], reasons="Đủ biên bản.", actor=staff["chair"].user
        )


def test_it_tells_each_person_their_step_once(filed, staff):
    mail.outbox.clear()
    run(2025, 1, 10)
    assert sent_to("Kiến nghị về kết quả: Xã Đồng Cẩm") == ["head@example.gov.vn"]
    mail.outbox.clear()
    with on(2025, 1, 11):
        services.assign_request(filed, appraiser=staff["appraiser"].user, actor=staff["head"].user)
    run(2025, 1, 11)
    assert sent_to("Kiến nghị về kết quả: Xã Đồng Cẩm") == ["appraiser@example.gov.vn"]
    assert any("Bạn được phân công xem xét kiến nghị" in m.body for m in mail.outbox)
    mail.outbox.clear()
    run(2025, 1, 12)  # nothing new
    assert sent_to("iến nghị") == []

    run(2025, 2, 3)  # due 9 February: the week before
    assert sent_to("Kiến nghị về kết quả: Xã Đồng Cẩm") == ["appraiser@example.gov.vn"]
    mail.outbox.clear()
    run(2025, 2, 11)  # late: the appraiser and, as supervisor, the head
    assert sent_to("Quá hạn trả lời kiến nghị: Xã Đồng Cẩm") == [
        "appraiser@example.gov.vn",
        "head@example.gov.vn",
    ]
    mail.outbox.clear()

    with on(2025, 2, 12):
        services.reject_request(filed, answer="Giữ nguyên kết quả.", actor=staff["appraiser"].user)
    run(2025, 2, 12)
    assert sent_to("Kiến nghị của Xã Đồng Cẩm đã được trả lời") == [
        "chair@example.gov.vn",
        "officer@example.gov.vn",
    ]
    assert any("Giữ nguyên kết quả." in m.body for m in mail.outbox)
    assert SentReminder.objects.filter(kind="review_request").count() == 7
