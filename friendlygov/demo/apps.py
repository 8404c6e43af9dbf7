from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "friendlygov.demo"
    label = "demo"
