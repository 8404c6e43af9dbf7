from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "friendlygov.programs"
    label = "programs"
