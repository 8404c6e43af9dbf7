from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "friendlygov.reports"
    label = "reports"

    def ready(self):
        from . import receivers  # noqa: F401  (forgets the remembered numbers when a decision is issued)
