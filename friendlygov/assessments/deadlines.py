"""Deadlines that hold.

Each stage of an assessment (workflow.Stage: self-assessment, appraisal, explanation) is open
until its date: the cycle's, or the explanation round's. Past it the services refuse the stage's
work, whoever asks (a page, the API, an import), with a message naming the deadline, unless

- the appraising body granted the unit an extension for that stage (DeadlineExtension), or
- the cycle allows late work: it is then accepted and the assessment marked late for the stage.

An extension is read only once the stage's own date has passed, so work done in time costs no
query (the autosave counts its statements).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from friendlygov.audit.services import record

from .models import Assessment, DeadlineExtension
from .workflow import DEADLINES, STAGE_OF, Stage, deadline_of


@dataclass(frozen=True)
class Deadline:
    """The date a stage is held to, with the unit's extension if it has one."""

    stage: str
    due: date
    extension: DeadlineExtension | None = None

    @property
    def until(self) -> date:
        """The last day the stage is open."""
        return max(self.due, self.extension.until) if self.extension else self.due

    @property
    def stage_label(self) -> str:
        return str(Stage(self.stage).label)

    def passed(self, today: date) -> bool:
        return today > self.until


class DeadlinePassed(ValidationError):
    """The stage's deadline (and the unit's extension, if any) has passed: nothing was changed."""

    def __init__(self, deadline: Deadline):
        self.deadline = deadline
        values = {"stage": deadline.stage_label, "due": f"{deadline.due:%d/%m/%Y}"}
        if deadline.extension is None:
            message = (
                _(
                    "Hạn %(stage)s là ngày %(due)s và đã qua: hồ sơ đã khoá, thay đổi chưa được ghi nhận. "
                    "Cơ quan thẩm định có thể gia hạn cho đơn vị."
                )
                % values
            )
        else:
            values["until"] = f"{deadline.until:%d/%m/%Y}"
            message = (
                _(
                    "Hạn %(stage)s (ngày %(due)s, được gia hạn đến ngày %(until)s) đã qua: hồ sơ đã khoá, "
                    "thay đổi chưa được ghi nhận."
                )
                % values
            )
        super().__init__(message, code="deadline_passed")


def extension_for(assessment: Assessment, stage: str) -> DeadlineExtension | None:
    return DeadlineExtension.objects.filter(assessment_id=assessment.pk, stage=stage).first()


def current(assessment: Assessment) -> Deadline | None:
    """The deadline of the assessment's current stage with its extension (1 query), for pages;
    None once no stage with a deadline is under way."""
    stage, due = STAGE_OF.get(assessment.status), deadline_of(assessment)
    if stage is None or due is None:
        return None
    return Deadline(stage, due, extension_for(assessment, stage))


def held_to(assessments, today: date | None = None) -> dict[int, Deadline]:
    """Each assessment's current deadline by its id, with the unit's extension where the stage's
    own date has passed (one query for all of them, none while every date is ahead): what lists,
    queues and reminders call overdue, so that an extended unit is not chased."""
    today = today or timezone.localdate()
    held = {}
    for assessment in assessments:
        stage, due = STAGE_OF.get(assessment.status), deadline_of(assessment)
        if stage is not None and due is not None:
            held[assessment.pk] = Deadline(stage, due)
    past = [pk for pk, deadline in held.items() if today > deadline.due]
    if past:
        for extension in DeadlineExtension.objects.filter(assessment_id__in=past):
            deadline = held[extension.assessment_id]
            if extension.stage == deadline.stage:
                held[extension.assessment_id] = Deadline(deadline.stage, deadline.due, extension)
    return held


def overdue_q(today: date):
    """The assessments `held_to` calls overdue on `today`, as a query (for counts in SQL): the
    current stage's own date has passed and no extension for that stage reaches today."""
    overdue = Q(pk__in=[])
    for status, stage in STAGE_OF.items():
        owner, field = DEADLINES[status]
        due = f"cycle__{field}" if owner == "cycle" else field
        extended = DeadlineExtension.objects.filter(assessment=OuterRef("pk"), stage=stage, until__gte=today)
        overdue |= Q(status=status, **{f"{due}__lt": today}) & ~Exists(extended)
    return overdue


def _passed(assessment: Assessment, today: date | None) -> Deadline | None:
    """The current stage's deadline if it has passed (extension included), else None."""
    stage, due = STAGE_OF.get(assessment.status), deadline_of(assessment)
    today = today or timezone.localdate()
    if stage is None or due is None or today <= due:
        return None
    deadline = Deadline(stage, due, extension_for(assessment, stage))
    return deadline if deadline.passed(today) else None


def locked(assessment: Assessment, today: date | None = None) -> Deadline | None:
    """The deadline that locks the assessment's current stage now, or None while it is open
    (in time, extended, or late work allowed)."""
    if assessment.cycle.late_allowed:
        return None
    return _passed(assessment, today)


def hold(assessment: Assessment, *, actor, today: date | None = None) -> None:
    """Refuse the current stage's work past its deadline (DeadlinePassed); in a cycle that allows
    late work, mark the assessment late for the stage instead (once, audited)."""
    deadline = _passed(assessment, today)
    if deadline is None:
        return
    if not assessment.cycle.late_allowed:
        raise DeadlinePassed(deadline)
    if deadline.stage not in assessment.late_stages:
        assessment.late_stages = [*assessment.late_stages, deadline.stage]
        Assessment.objects.filter(pk=assessment.pk).update(late_stages=assessment.late_stages)
        record(actor, "assessment.late", assessment, {"stage": deadline.stage, "deadline": deadline.until})
