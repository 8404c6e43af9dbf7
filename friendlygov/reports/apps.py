from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "friendlygov.reports"
    label = "reports"
