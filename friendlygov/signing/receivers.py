from django.dispatch import receiver

from friendlygov.assessments.models import Decision
from friendlygov.assessments.signals import decision_issued

from .services import seal_at_issuance


@receiver(decision_issued, dispatch_uid="signing.decision_issued")
def seal_issued_decision(sender, decision_id, actor, **kwargs):
    seal_at_issuance(Decision.objects.select_related("body__cycle").get(pk=decision_id), actor=actor)
