from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "friendlygov.accounts"
    label = "accounts"

    def ready(self):
        from . import security_events  # noqa: F401 - connects the signal receivers
