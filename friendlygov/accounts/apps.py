from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "friendlygov.accounts"
    label = "accounts"

    def ready(self):
        from . import lockout, middleware, security_events, signals  # noqa: F401 - connect their receivers
