from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "friendlygov.assessments"
    label = "assessments"

    def ready(self):
        from . import receivers  # noqa: F401  (bands appraised units again when a program's rules change)
