"""Reactions to the assessment area's events (it sends them after its transaction commits)."""

from django.dispatch import receiver

from friendlygov.assessments.signals import explanation_requested
from friendlygov.reviews.models import ReviewRequest
from friendlygov.reviews.signals import review_changed


@receiver(explanation_requested, dispatch_uid="notifications.explanation_requested")
def mail_explanation_request(sender, assessment_id, **kwargs):
    from .tasks import send_explanation_request

    send_explanation_request.enqueue(assessment_id)


@receiver(review_changed, dispatch_uid="notifications.review_changed")
def mail_review_news(sender, request_id, **kwargs):
    from .tasks import send_review_news

    assessment_id = ReviewRequest.objects.values_list("assessment_id", flat=True).get(pk=request_id)
    send_review_news.enqueue(assessment_id)
