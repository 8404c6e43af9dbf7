"""django-tasks entry points for reminders."""

from django_tasks import task

from friendlygov.assessments.models import Assessment

from . import services
from .kinds import EXPLANATION_REQUESTED, REVIEW_REQUEST


@task()
def send_explanation_request(assessment_id: int) -> int:
    """Mail the commune as soon as an explanation is requested (the nightly run would find it too;
    the sent log makes sure it goes once)."""
    report = services.send_reminders(
        assessments=Assessment.objects.filter(pk=assessment_id), kinds=[EXPLANATION_REQUESTED]
    )
    return report.sent


@task()
def send_review_news(assessment_id: int) -> int:
    """Mail about a review request as soon as it is filed, assigned or answered (the nightly run
    would find it too; the sent log makes sure each goes once)."""
    report = services.send_reminders(
        assessments=Assessment.objects.filter(pk=assessment_id), kinds=[REVIEW_REQUEST]
    )
    return report.sent
