"""Who switched off which reminder, and every reminder sent (the log that makes sending idempotent)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .kinds import KINDS

KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]


class ReminderOptOut(models.Model):
    """A row means: this person does not want this (non-mandatory) kind of reminder."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_opt_outs"
    )
    kind = models.CharField(_("loại nhắc việc"), max_length=32, choices=KIND_CHOICES)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc việc đã tắt")
        verbose_name_plural = _("nhắc việc đã tắt")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="reminder_opt_out_unique")]

    def __str__(self):
        return f"{self.user} · {self.kind}"


class SentReminder(models.Model):
    """One e-mail sent. `key` names the occasion (the deadline and lead time, the explanation round,
    the overdue week), so the same occasion never mails the same person twice."""

    kind = models.CharField(_("loại nhắc việc"), max_length=32, choices=KIND_CHOICES)
    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="+", verbose_name=_("hồ sơ")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("người nhận")
    )
    key = models.CharField(_("dịp gửi"), max_length=64)
    as_supervisor = models.BooleanField(_("gửi cấp trên"), default=False)
    email = models.EmailField(_("địa chỉ"))
    sent_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc việc đã gửi")
        verbose_name_plural = _("nhắc việc đã gửi")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "assessment", "recipient", "key"], name="sent_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} · {self.assessment_id} · {self.recipient} · {self.key}"
