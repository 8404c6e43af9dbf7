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


class Action(models.TextChoices):
    SUBMIT = "submit", _("Gửi thẩm định")
    START_APPRAISAL = "start_appraisal", _("Bắt đầu thẩm định")
    RETURN = "return", _("Yêu cầu giải trình")
    RESUBMIT = "resubmit", _("Gửi lại sau giải trình")
    APPROVE = "approve", _("Duyệt kết quả thẩm định")
    RECOGNISE = "recognise", _("Công nhận theo quyết định")
    REFUSE = "refuse", _("Không công nhận theo quyết định")
    REOPEN_DECISION = "reopen_decision", _("Thu hồi quyết định")


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
        Transition(Action.APPROVE, (Status.UNDER_APPRAISAL,), Status.APPRAISED),
        Transition(Action.RECOGNISE, (Status.APPRAISED,), Status.RECOGNISED),
        Transition(Action.REFUSE, (Status.APPRAISED,), Status.NOT_RECOGNISED),
        # A revoking decision sends the unit back to "appraised", ready for a new decision.
        Transition(Action.REOPEN_DECISION, (Status.RECOGNISED, Status.NOT_RECOGNISED), Status.APPRAISED),
    )
}

# Where the commune may still change its self-assessment, and where the appraiser works.
SELF_EDITABLE = (Status.DRAFT, Status.RETURNED)
APPRAISAL_EDITABLE = (Status.SUBMITTED, Status.RESUBMITTED, Status.UNDER_APPRAISAL)
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
