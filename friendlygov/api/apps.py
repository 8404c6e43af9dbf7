from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ApiConfig(AppConfig):
    name = "friendlygov.api"
    label = "api"

    def ready(self):
        from friendlygov.audit.models import AuditEvent

        from . import webhooks
        from .models import WebhookSubscription

        post_save.connect(webhooks.event_recorded, sender=AuditEvent, dispatch_uid="api.webhooks")
        for signal in (post_save, post_delete):
            signal.connect(
                webhooks.subscriptions_changed, sender=WebhookSubscription, dispatch_uid="api.hooks"
            )
