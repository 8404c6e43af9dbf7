from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "friendlygov.notifications"
    label = "notifications"

    def ready(self):
        from . import receivers  # noqa: F401  (connects to the assessment area's signals)
