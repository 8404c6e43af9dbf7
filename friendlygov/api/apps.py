from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "friendlygov.api"
    label = "api"
