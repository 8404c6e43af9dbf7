from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "friendlygov.frameworks"
    label = "frameworks"
