"""Reactions to the assessment area's events (it sends them after its transaction commits)."""

from django.dispatch import receiver

from friendlygov.assessments.signals import explanation_requested


@receiver(explanation_requested, dispatch_uid="notifications.explanation_requested")
def mail_explanation_request(sender, assessment_id, **kwargs):
    from .tasks import send_explanation_request

    send_explanation_request.enqueue(assessment_id)
