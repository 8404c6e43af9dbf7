"""Reactions to the assessment area's events (sent after its transaction commits)."""

from django.dispatch import receiver

from friendlygov.assessments.signals import decision_issued

from . import services


@receiver(decision_issued, dispatch_uid="reviews.decision_issued")
def settle_requests(sender, decision_id, actor, **kwargs):
    services.settle_after_issue(decision_id, actor=actor)
