from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "friendlygov.accounts"
    label = "accounts"
