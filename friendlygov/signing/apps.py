from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "friendlygov.signing"
    label = "signing"
    verbose_name = "Ký số"

    def ready(self):
        from . import receivers  # noqa: F401  (fills the number and date and seals at issuance)
