"""The states of one commune's assessment and the transitions between them, as one table.

Services never assign `status` directly: they call `transition()`, which checks the table and
refuses anything else with a message an official can read.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Đang tự đánh giá")
    SUBMITTED = "submitted", _("Đã gửi thẩm định")
    UNDER_APPRAISAL = "under_appraisal", _("Đang thẩm định")
    RETURNED = "returned", _("Yêu cầu giải trình")
    RESUBMITTED = "resubmitted", _("Đã giải trình, gửi lại")
    APPRAISED = "appraised", _("Đã thẩm định")
    RECOGNISED = "recognised", _("Được công nhận")
    NOT_RECOGNISED = "not_recognised", _("Không được công nhận")
    # A review request (kiến nghị, the reviews app) was accepted: the indicators it names are
    # appraised again; approval then sends the unit back to "appraised" for a corrective decision.
    UNDER_REVIEW = "under_review", _("Đang xem xét lại")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Gửi thẩm định")
    START_APPRAISAL = "start_appraisal", _("Bắt đầu thẩm định")
    RETURN = "return", _("Yêu cầu giải trình")
    RESUBMIT = "resubmit", _("Gửi lại sau giải trình")
    APPROVE = "approve", _("Duyệt kết quả thẩm định")
    RECOGNISE = "recognise", _("Công nhận theo quyết định")
    REFUSE = "refuse", _("Không công nhận theo quyết định")
    REOPEN_DECISION = "reopen_decision", _("Thu hồi quyết định")
    REOPEN_FOR_REVIEW = "reopen_for_review", _("Thẩm định lại theo kiến nghị")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str


TRANSITIONS = {
    t.action: t
    for t in (
        Transition(Action.SUBMIT, (Status.DRAFT,), Status.SUBMITTED),
        Transition(Action.START_APPRAISAL, (Status.SUBMITTED, Status.RESUBMITTED), Status.UNDER_APPRAISAL),
        Transition(Action.RETURN, (Status.UNDER_APPRAISAL,), Status.RETURNED),
        Transition(Action.RESUBMIT, (Status.RETURNED,), Status.RESUBMITTED),
        Transition(Action.APPROVE, (Status.UNDER_APPRAISAL, Status.UNDER_REVIEW), Status.APPRAISED),
        Transition(Action.RECOGNISE, (Status.APPRAISED,), Status.RECOGNISED),
        Transition(Action.REFUSE, (Status.APPRAISED,), Status.NOT_RECOGNISED),
        # A revoking decision sends the unit back to "appraised", ready for a new decision.
        Transition(Action.REOPEN_DECISION, (Status.RECOGNISED, Status.NOT_RECOGNISED), Status.APPRAISED),
        # An accepted review request: the decision in force stays in force until a corrective
        # decision supersedes it (assessments.register).
        Transition(
            Action.REOPEN_FOR_REVIEW,
            (Status.APPRAISED, Status.RECOGNISED, Status.NOT_RECOGNISED),
            Status.UNDER_REVIEW,
        ),
    )
}

# Where the commune may still change its self-assessment, and where the appraiser works.
SELF_EDITABLE = (Status.DRAFT, Status.RETURNED)
APPRAISAL_EDITABLE = (Status.SUBMITTED, Status.RESUBMITTED, Status.UNDER_APPRAISAL, Status.UNDER_REVIEW)
DECIDED = (Status.RECOGNISED, Status.NOT_RECOGNISED)


class TransitionNotAllowed(Exception):
    """The action cannot be taken from the assessment's current state."""

    def __init__(self, action: str, status: str):
        self.action, self.status = action, status
        super().__init__(
            _("Không thể thực hiện “%(action)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": Action(action).label, "status": Status(status).label}
        )


def target_of(action: str, status: str) -> str:
    transition = TRANSITIONS[action]
    if status not in transition.sources:
        raise TransitionNotAllowed(action, status)
    return transition.target


def allowed_actions(status: str) -> list[str]:
    return [action for action, t in TRANSITIONS.items() if status in t.sources]


# --- Reading an assessment ----------------------------------------------------------------------
# One rule each, beside the table they follow from, for every page, API answer, export, report
# and reminder: which layer of points a reader is shown, which level counts, which date the unit
# is held to. docs/domain.md explains them in words.

SELF = "self"  # the commune's own points
APPRAISED = "appraised"  # the appraiser's, once approved
FINAL = "final"  # the points and level of the issued decision

# The date each state is held to: a field of the cycle, or of the assessment for an explanation.
DEADLINES = {
    Status.DRAFT: ("cycle", "self_assessment_closes"),
    Status.SUBMITTED: ("cycle", "appraisal_deadline"),
    Status.RESUBMITTED: ("cycle", "appraisal_deadline"),
    Status.UNDER_APPRAISAL: ("cycle", "appraisal_deadline"),
    Status.RETURNED: ("assessment", "explanation_due"),
    Status.APPRAISED: ("cycle", "decision_until"),
}


class Stage(models.TextChoices):
    """The steps held to a deadline that locks them (deadlines.py): past it, the step is refused
    unless the unit has an extension or the cycle allows late work, marked as late."""

    SELF_ASSESSMENT = "self_assessment", _("tự đánh giá")
    APPRAISAL = "appraisal", _("thẩm định")
    EXPLANATION = "explanation", _("giải trình")


STAGE_OF = {
    Status.DRAFT: Stage.SELF_ASSESSMENT,
    Status.SUBMITTED: Stage.APPRAISAL,
    Status.RESUBMITTED: Stage.APPRAISAL,
    Status.UNDER_APPRAISAL: Stage.APPRAISAL,
    Status.RETURNED: Stage.EXPLANATION,
}


def decided_level(status: str, final_level: int | None) -> int | None:
    """The level an issued decision gave (0 = not recognised); None while no decision is in force."""
    if status == Status.RECOGNISED:
        return final_level or 0
    if status == Status.NOT_RECOGNISED:
        return 0
    return None


def counted_level(status: str, final_level: int | None) -> int:
    """The level that counts towards the targets: a unit not yet decided counts as 0."""
    return decided_level(status, final_level) or 0


def decided_level_is(level: int) -> models.Q:
    """The assessments whose `decided_level` is `level`, as a query."""
    if level == 0:
        return models.Q(status=Status.NOT_RECOGNISED) | models.Q(
            status=Status.RECOGNISED, final_level__in=[0, None]
        )
    return models.Q(status=Status.RECOGNISED, final_level=level)


def shown_layer(status: str) -> str:
    """The points a reader is shown: the decision's once decided, the appraiser's once approved,
    else the commune's own."""
    if status in DECIDED:
        return FINAL
    if status == Status.APPRAISED:
        return APPRAISED
    return SELF


def deadline_of(assessment):
    """The date the assessment's current state is held to (None once decided, or when a returned
    assessment has no explanation date)."""
    where = DEADLINES.get(assessment.status)
    if where is None:
        return None
    owner, field = where
    return getattr(assessment.cycle if owner == "cycle" else assessment, field)


def is_overdue(assessment, today) -> bool:
    deadline = deadline_of(assessment)
    return deadline is not None and today > deadline
