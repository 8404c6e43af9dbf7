"""Helpers for the review request tests: a decided Đồng Cẩm and dates around the periods."""

from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")


def on(year, month, day, hour=10):
    """Run what follows as on that day (Hà Nội time)."""
    return time_machine.travel(datetime(year, month, day, hour, 0, tzinfo=HANOI), tick=False)


def issue_on_6_january(draft, head):
    """The fixture's draft (signed 5 January 2025) issued the next day."""
    from friendlygov.assessments import services

    with on(2025, 1, 6):
        return services.issue_decision(draft, actor=head)


def named_and_other(assessment):
    """Two manual indicators of the assessment: one a request names, one it does not."""
    scores = list(
        assessment.scores.filter(indicator__method="manual")
        .select_related("indicator")
        .order_by("indicator__order")[:2]
    )
    return scores[0], scores[1]
