"""Sending reminders (idempotent through the sent log) and each person's reminder preferences."""

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from friendlygov.audit.services import record

from . import rules
from .kinds import KINDS, REVIEW_REQUEST
from .models import ReminderOptOut, SentReminder

logger = logging.getLogger(__name__)
# Every reminder is written in Vietnamese, then the same message in English below it.
EMAIL_LANGUAGES = ("vi", "en")


@dataclass
class SendReport:
    sent: int = 0
    already_sent: int = 0
    switched_off: int = 0
    no_address: int = 0
    failed: int = 0
    by_kind: dict = field(default_factory=dict)


def send_reminders(*, today=None, assessments=None, kinds=None, dry_run: bool = False) -> SendReport:
    """Send every reminder due today that has not been sent for the same occasion. Safe to run as
    often as wanted: the sent log (one row per kind, assessment, recipient and occasion) is written
    before the e-mail goes, and removed again if sending fails, so the next run tries again."""
    today = today or timezone.localdate()
    report = SendReport()
    due = rules.due_reminders(today, assessments, kinds)
    opted_out = set(ReminderOptOut.objects.values_list("user_id", "kind"))
    already = set(
        SentReminder.objects.filter(assessment__in={d.assessment.pk for d in due}).values_list(
            "kind", "assessment_id", "recipient_id", "key"
        )
    )
    for item in due:
        if (item.kind, item.assessment.pk, item.recipient.pk, item.key) in already:
            report.already_sent += 1
        elif not KINDS[item.kind].mandatory and (item.recipient.pk, item.kind) in opted_out:
            report.switched_off += 1
        elif not item.recipient.email:
            report.no_address += 1
        elif dry_run:
            report.sent += 1
        elif _send_once(item):
            report.sent += 1
            report.by_kind[item.kind] = report.by_kind.get(item.kind, 0) + 1
        else:
            report.failed += 1
    return report


def _send_once(item) -> bool:
    try:
        with transaction.atomic():
            log = SentReminder.objects.create(
                kind=item.kind,
                assessment=item.assessment,
                recipient=item.recipient,
                key=item.key,
                as_supervisor=item.as_supervisor,
                email=item.recipient.email,
            )
    except IntegrityError:
        return False  # another run sent it a moment ago
    try:
        reminder_email(item).send()
    except Exception:
        logger.exception("reminder %s to %s not sent", item.kind, item.recipient.email)
        log.delete()
        return False
    return True


def reminder_email(item) -> EmailMessage:
    subjects, bodies = [], []
    for language in EMAIL_LANGUAGES:
        with translation.override(language):
            context = _email_context(item)
            subjects.append(render_to_string(f"notifications/email/{item.kind}_subject.txt", context).strip())
            bodies.append(render_to_string(f"notifications/email/{item.kind}.txt", context).strip())
    return EmailMessage(
        subject=" / ".join(subjects),
        body="\n\n----------------------------------------\n\n".join(bodies) + "\n",
        to=[item.recipient.email],
    )


def _email_context(item) -> dict:
    assessment = item.assessment
    today = timezone.localdate()
    return {
        "item": item,
        "recipient": item.recipient,
        "assessment": assessment,
        "unit": assessment.unit,
        "cycle": assessment.cycle,
        "deadline": item.deadline,
        "days_left": (item.deadline - today).days if item.deadline else None,
        "days_late": (today - item.deadline).days if item.deadline else None,
        "link": settings.SITE_URL + _link(item),
        "preferences_link": settings.SITE_URL + reverse("notifications:preferences"),
        "requests": _open_requests(item) if item.kind == "explanation_requested" else [],
        "mandatory": KINDS[item.kind].mandatory,
        "review": item.extra.get("review"),
        "step": item.extra.get("step", ""),
    }


def _link(item) -> str:
    if item.kind == REVIEW_REQUEST:
        return reverse("reviews:detail", args=[item.extra["review"].pk])
    return reverse("assessments:detail", args=[item.assessment.pk])


def _open_requests(item):
    assessment = item.assessment
    return list(
        assessment.explanation_requests.filter(round=assessment.explanation_rounds).select_related(
            "indicator"
        )
    )


# --- Preferences ---------------------------------------------------------------------------------


@transaction.atomic
def set_reminder_preferences(user, *, enabled: set[str], actor) -> list[str]:
    """Switch the user's non-mandatory reminders on (codes in `enabled`) or off (the others).
    Mandatory kinds cannot be switched off. Returns the kinds now switched off."""
    if actor.pk != user.pk:
        raise ValidationError(_("Mỗi người chỉ đổi được nhắc việc của chính mình."))
    unknown = set(enabled) - set(KINDS)
    if unknown:
        raise ValidationError(
            _("Loại nhắc việc không tồn tại: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    before = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    off = {code for code, kind in KINDS.items() if not kind.mandatory and code not in enabled}
    ReminderOptOut.objects.filter(user=user).exclude(kind__in=off).delete()
    ReminderOptOut.objects.bulk_create(
        [ReminderOptOut(user=user, kind=code) for code in sorted(off - before)], ignore_conflicts=True
    )
    if off != before:
        record(
            actor, "reminders.preferences_changed", user, {"off": {"old": sorted(before), "new": sorted(off)}}
        )
    return sorted(off)


def preferences_of(user) -> list[tuple]:
    """(kind, is_on) for every kind, mandatory ones always on."""
    off = set(ReminderOptOut.objects.filter(user=user).values_list("kind", flat=True))
    return [(kind, kind.mandatory or code not in off) for code, kind in KINDS.items()]
