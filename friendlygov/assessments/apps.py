from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "friendlygov.assessments"
    label = "assessments"
