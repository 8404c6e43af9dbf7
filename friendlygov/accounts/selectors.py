from django.db.models import Q

from friendlygov.audit.models import AuditEvent

from .security_events import SECURITY_PREFIXES


def recent_security_events(limit: int = 200):
    matches = Q()
    for prefix in SECURITY_PREFIXES:
        matches |= Q(event_type__startswith=prefix)
    return AuditEvent.objects.filter(matches).order_by("-sequence")[:limit]
