"""Reactions of the results area to the assessment area's events."""

from django.dispatch import receiver

from friendlygov.assessments.signals import decision_issued

from . import aggregates


@receiver(decision_issued, dispatch_uid="reports.decision_issued")
def forget_results(sender, decision_id, actor, **kwargs):
    """A recognition, a revocation or a decision superseding another changes what the results
    say: the numbers remembered for decided cycles are read no more once it commits."""
    aggregates.results_changed()
