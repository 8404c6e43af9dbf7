from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "friendlygov.feedback"
    verbose_name = _("Ý kiến người dân")
