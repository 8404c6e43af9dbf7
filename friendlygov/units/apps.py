from django.apps import AppConfig


class UnitsConfig(AppConfig):
    name = "friendlygov.units"
    label = "units"
