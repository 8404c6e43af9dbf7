"""The kinds of reminder, as data: what each is about, whether a person may switch it off, and
how long before a deadline it is sent. rules.py decides who gets which, reading this table."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SELF_CLOSING = "self_closing"
APPRAISAL_DUE = "appraisal_due"
EXPLANATION_REQUESTED = "explanation_requested"
OVERDUE = "overdue"
REVIEW_REQUEST = "review_request"


@dataclass(frozen=True)
class ReminderKind:
    code: str
    label: str
    description: str
    # Mandatory reminders carry a formal request or a missed deadline: they cannot be switched off.
    mandatory: bool
    # Days before the deadline at which a reminder goes out (the nearest one not yet sent).
    lead_days: tuple[int, ...] = ()


KINDS = {
    kind.code: kind
    for kind in (
        ReminderKind(
            SELF_CLOSING,
            _("Sắp hết hạn tự đánh giá"),
            _("Gửi cán bộ cấp xã 7 ngày và 2 ngày trước hạn tự đánh giá, nếu hồ sơ chưa gửi thẩm định."),
            mandatory=False,
            lead_days=(7, 2),
        ),
        ReminderKind(
            APPRAISAL_DUE,
            _("Sắp hết hạn thẩm định"),
            _("Gửi cán bộ thẩm định 7 ngày và 2 ngày trước hạn thẩm định, nếu hồ sơ chưa thẩm định xong."),
            mandatory=False,
            lead_days=(7, 2),
        ),
        ReminderKind(
            EXPLANATION_REQUESTED,
            _("Yêu cầu giải trình"),
            _("Gửi cán bộ cấp xã ngay khi cơ quan thẩm định yêu cầu giải trình."),
            mandatory=True,
        ),
        ReminderKind(
            OVERDUE,
            _("Quá hạn"),
            _(
                "Gửi người phụ trách và cấp trên (thủ trưởng cơ quan thẩm định) khi quá hạn tự đánh giá, "
                "giải trình hoặc thẩm định; nhắc lại mỗi tuần."
            ),
            mandatory=True,
        ),
        ReminderKind(
            REVIEW_REQUEST,
            _("Kiến nghị về kết quả"),
            _(
                "Gửi thủ trưởng cơ quan thẩm định khi xã gửi kiến nghị, cán bộ được phân công khi nhận "
                "việc, 7 ngày và 2 ngày trước hạn trả lời và mỗi tuần khi quá hạn; gửi cấp xã khi kiến "
                "nghị được trả lời."
            ),
            mandatory=True,
            lead_days=(7, 2),
        ),
    )
}
# Overdue reminders repeat every this many days while the work stays late.
OVERDUE_REPEAT_DAYS = 7


def optional_kinds() -> list[ReminderKind]:
    return [kind for kind in KINDS.values() if not kind.mandatory]
