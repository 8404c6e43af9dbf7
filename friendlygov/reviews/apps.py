from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "friendlygov.reviews"
    label = "reviews"

    def ready(self):
        from . import receivers  # noqa: F401  (settles accepted requests when a decision is issued)
