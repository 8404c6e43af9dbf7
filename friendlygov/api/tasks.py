"""The django-tasks entry points of the API. Arguments are plain ids."""

from django_tasks import task

from . import webhooks


@task()
def deliver_webhook(delivery_id: int) -> str:
    return webhooks.attempt(delivery_id)
