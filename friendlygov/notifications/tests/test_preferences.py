"""The reminder preferences page: everyone sees every kind, switches off the optional ones only."""

from django.urls import reverse

from friendlygov.audit.models import AuditEvent
from friendlygov.notifications.models import ReminderOptOut


def test_it_lists_every_kind_with_the_mandatory_ones_locked(signed_in):
    page = signed_in.get(reverse("notifications:preferences"))
    assert page.status_code == 200
    labels = ("Sắp hết hạn tự đánh giá", "Sắp hết hạn thẩm định", "Yêu cầu giải trình", "Quá hạn")
    for label in (*labels, "Kiến nghị về kết quả"):
        assert label in page.text
    assert page.text.count("disabled") == 3  # the mandatory kinds
    assert "chưa có địa chỉ e-mail" in page.text


def test_it_switches_an_optional_reminder_off_and_on_again(signed_in):
    url = reverse("notifications:preferences")
    signed_in.post(url, {"enabled": ["appraisal_due"]})
    assert list(ReminderOptOut.objects.values_list("kind", flat=True)) == ["self_closing"]
    assert AuditEvent.objects.filter(event_type="reminders.preferences_changed").count() == 1

    signed_in.post(url, {"enabled": ["appraisal_due", "self_closing"]})
    assert not ReminderOptOut.objects.exists()
    page = signed_in.get(url)
    assert page.text.count("checked") == 5  # two optional kinds, three mandatory ones


def test_it_cannot_switch_off_a_mandatory_reminder(signed_in):
    signed_in.post(reverse("notifications:preferences"), {"enabled": []})
    kinds = set(ReminderOptOut.objects.values_list("kind", flat=True))
    assert kinds == {"self_closing", "appraisal_due"}


def test_it_refuses_an_unknown_kind_and_changes_nothing(signed_in):
    response = signed_in.post(reverse("notifications:preferences"), {"enabled": ["self_closing", "bogus"]})
    assert response.status_code == 400
    assert "bogus" in response.text
    assert not ReminderOptOut.objects.exists()
    assert not AuditEvent.objects.exists()
