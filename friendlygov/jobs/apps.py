from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "friendlygov.jobs"
    label = "jobs"
