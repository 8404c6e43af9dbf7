"""`manage.py send_reminders` at frozen times: who is mailed, in both languages, once per
occasion; preferences respected except for mandatory kinds; overdue work escalated."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from friendlygov.assessments import services as assessment_services
from friendlygov.assessments.testing import fill_self
from friendlygov.notifications import rules
from friendlygov.notifications.models import ReminderOptOut, SentReminder

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: date, hour=7):
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, tzinfo=HANOI), tick=False)


def run(day: date, hour=7) -> str:
    out = io.StringIO()
    with at(day, hour):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def mails_about(unit_name):
    return [m for m in mail.outbox if unit_name in m.subject]


def recipients(messages):
    return sorted(address for m in messages for address in m.to)


def test_it_reminds_the_commune_a_week_and_two_days_before_self_assessment_closes(staff, dong_cam):
    run(date(2024, 11, 22))  # 8 days before: nothing yet
    assert mails_about("Đồng Cẩm") == []

    output = run(date(2024, 11, 25))  # 5 days before
    sent = mails_about("Đồng Cẩm")
    assert recipients(sent) == ["chair@example.gov.vn", "officer@example.gov.vn"]
    message = sent[0]
    assert message.subject == (
        "Sắp hết hạn tự đánh giá: Xã Đồng Cẩm / Self-assessment closes soon: Xã Đồng Cẩm"
    )
    assert "Hạn tự đánh giá là ngày 30/11/2024, còn 5 ngày." in message.body
    assert "The self-assessment deadline is 30/11/2024, 5 days from now." in message.body
    assert reverse("assessments:detail", args=[dong_cam.pk]) in message.body
    assert "sent 3," in output  # the two above and the outsider officer of Tam Kỳ for their own unit

    mail.outbox.clear()
    run(date(2024, 11, 25), hour=18)  # the same day again
    run(date(2024, 11, 26))  # still the same 7-day occasion
    assert mail.outbox == []

    run(date(2024, 11, 28))  # 2 days before: the last call
    assert recipients(mails_about("Đồng Cẩm")) == ["chair@example.gov.vn", "officer@example.gov.vn"]


def test_it_sends_nothing_twice_on_the_same_day(staff, dong_cam):
    run(date(2024, 11, 25))
    first = len(mail.outbox)
    output = run(date(2024, 11, 25), hour=19)
    assert len(mail.outbox) == first
    assert output.startswith("sent 0, already sent 3,")
    assert SentReminder.objects.count() == first


def test_it_respects_a_switched_off_reminder_but_not_for_mandatory_kinds(staff, dong_cam):
    officer = staff["officer"]
    response = officer.post(reverse("notifications:preferences"), {"enabled": []})
    assert response.status_code == 302
    assert set(ReminderOptOut.objects.filter(user=officer.user).values_list("kind", flat=True)) == {
        "self_closing",
        "appraisal_due",
    }

    run(date(2024, 11, 25))
    assert recipients(mails_about("Đồng Cẩm")) == ["chair@example.gov.vn"]

    mail.outbox.clear()
    run(date(2024, 12, 2))  # overdue: mandatory, the officer gets it all the same
    assert "officer@example.gov.vn" in recipients(mails_about("Đồng Cẩm"))


def test_it_escalates_overdue_self_assessment_to_the_supervisor(staff, dong_cam):
    output = run(date(2024, 12, 2))
    sent = mails_about("Quá hạn tự đánh giá: Xã Đồng Cẩm")
    assert recipients(sent) == ["chair@example.gov.vn", "head@example.gov.vn", "officer@example.gov.vn"]
    to_head = next(m for m in sent if m.to == ["head@example.gov.vn"])
    assert "với tư cách cấp trên phụ trách" in to_head.body
    assert "as the supervisor in charge" in to_head.body
    assert SentReminder.objects.get(recipient=staff["head"].user, assessment=dong_cam).as_supervisor
    assert "overdue:" in output
    # Neither the other district's appraiser nor the neighbour commune hears about Đồng Cẩm.
    assert not {"outsider_district@example.gov.vn", "outsider_commune@example.gov.vn"} & set(recipients(sent))

    mail.outbox.clear()
    run(date(2024, 12, 5))
    assert mails_about("Đồng Cẩm") == []
    run(date(2024, 12, 8))  # a week on, still late: once more
    assert len(mails_about("Quá hạn tự đánh giá: Xã Đồng Cẩm")) == 3


def test_it_reminds_and_then_escalates_the_appraisal(staff, dong_cam):
    fill_self(dong_cam, staff["officer"].user)
    assessment_services.submit_assessment(dong_cam, actor=staff["chair"].user)

    run(date(2024, 12, 27))
    due = mails_about("Sắp hết hạn thẩm định: Xã Đồng Cẩm")
    assert recipients(due) == ["appraiser@example.gov.vn", "head@example.gov.vn"]
    assert mails_about("tự đánh giá") == [] or "Đồng Cẩm" not in str(mails_about("tự đánh giá"))

    mail.outbox.clear()
    run(date(2025, 1, 2))
    late = mails_about("Quá hạn thẩm định: Xã Đồng Cẩm")
    assert recipients(late) == ["appraiser@example.gov.vn", "head@example.gov.vn"]


def test_it_mails_an_explanation_request_at_once_and_not_again(
    staff, dong_cam, django_capture_on_commit_callbacks
):
    officer, chair, appraiser = (staff[k].user for k in ("officer", "chair", "appraiser"))
    fill_self(dong_cam, officer)
    assessment_services.submit_assessment(dong_cam, actor=chair)
    assessment_services.copy_self_to_appraisal(dong_cam, actor=appraiser)
    manual = dong_cam.scores.filter(indicator__method="manual").select_related("indicator").first()
    mail.outbox.clear()
    with at(date(2024, 12, 10)), django_capture_on_commit_callbacks(execute=True):
        assessment_services.return_for_explanation(
            dong_cam, reasons={manual.indicator_id: "Thiếu biên bản niêm yết."}, actor=appraiser
        )
    sent = mails_about("Yêu cầu giải trình: Xã Đồng Cẩm")
    assert recipients(sent) == ["chair@example.gov.vn", "officer@example.gov.vn"]
    assert f"- {manual.indicator.code}: Thiếu biên bản niêm yết." in sent[0].body
    assert "Hạn giải trình: ngày 17/12/2024." in sent[0].body
    assert "This is a mandatory notice and cannot be switched off." in sent[0].body

    mail.outbox.clear()
    run(date(2024, 12, 10), hour=20)
    assert mails_about("Yêu cầu giải trình") == []

    run(date(2024, 12, 18))  # the explanation is late now
    assert recipients(mails_about("Quá hạn giải trình: Xã Đồng Cẩm")) == [
        "chair@example.gov.vn",
        "head@example.gov.vn",
        "officer@example.gov.vn",
    ]


def test_it_rolls_back_nothing_to_mail_when_the_request_fails(
    staff, dong_cam, django_capture_on_commit_callbacks
):
    """A refused request (no reason given) commits nothing, so no e-mail goes out."""
    from django.core.exceptions import ValidationError

    fill_self(dong_cam, staff["officer"].user)
    assessment_services.submit_assessment(dong_cam, actor=staff["chair"].user)
    assessment_services.copy_self_to_appraisal(dong_cam, actor=staff["appraiser"].user)
    manual = dong_cam.scores.filter(indicator__method="manual").first()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        assessment_services.return_for_explanation(
            dong_cam, reasons={manual.indicator_id: " "}, actor=staff["appraiser"].user
        )
    assert mail.outbox == []


def test_it_skips_people_without_an_address_and_keeps_going(people, dong_cam):
    output = run(date(2024, 11, 25))
    assert mail.outbox == []
    assert "no e-mail address 3" in output


def test_it_tries_again_next_run_when_sending_fails(staff, dong_cam, monkeypatch):
    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with pytest.raises(CommandError, match="not sent"):
        run(date(2024, 11, 25))
    assert not SentReminder.objects.exists()
    monkeypatch.undo()
    run(date(2024, 11, 25))
    assert len(mail.outbox) == 3


def test_it_stops_reminding_after_the_decision_period(staff, dong_cam):
    run(date(2025, 2, 3))
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("today", "stage"),
    [
        (date(2024, 11, 22), None),
        (date(2024, 11, 23), 7),
        (date(2024, 11, 27), 7),
        (date(2024, 11, 28), 2),
        (date(2024, 11, 30), 2),
        (date(2024, 12, 1), None),
    ],
)
def test_it_picks_the_tightest_lead_time(today, stage):
    assert rules.lead_stage("self_closing", date(2024, 11, 30), today) == stage


@pytest.mark.parametrize(
    ("today", "week"),
    [(date(2024, 11, 30), None), (date(2024, 12, 1), 0), (date(2024, 12, 7), 0), (date(2024, 12, 8), 1)],
)
def test_it_counts_overdue_weeks_from_the_day_after_the_deadline(today, week):
    assert rules.overdue_week(date(2024, 11, 30), today) == week


def test_a_unit_granted_an_extension_is_chased_only_after_it_runs_out(staff, dong_cam):
    with at(date(2024, 12, 1)):
        assessment_services.grant_extension(
            dong_cam,
            stage="self_assessment",
            until=date(2024, 12, 10),
            reason="Bão số 3.",
            actor=staff["head"].user,
        )
    run(date(2024, 12, 2))
    run(date(2024, 12, 10))
    assert mails_about("Quá hạn tự đánh giá: Xã Đồng Cẩm") == []
    run(date(2024, 12, 11))  # the day after the extension: late now
    assert "officer@example.gov.vn" in recipients(mails_about("Quá hạn tự đánh giá: Xã Đồng Cẩm"))
