from django.apps import AppConfig
from django.db.models.signals import post_save


class ApiConfig(AppConfig):
    name = "friendlygov.api"
    label = "api"

    def ready(self):
        from friendlygov.audit.models import AuditEvent

        from . import webhooks

        post_save.connect(webhooks.event_recorded, sender=AuditEvent, dispatch_uid="api.webhooks")
