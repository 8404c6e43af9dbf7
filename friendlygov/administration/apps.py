from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "friendlygov.administration"
    label = "administration"
