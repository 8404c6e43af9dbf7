"""python manage.py send_webhooks: send the webhook deliveries that are due, first attempts and
retries (cron, every minute, with the immediate task backend; with the database backend the worker
sends them and this finds nothing left, or catches up on any whose task was lost)."""

from django.core.management.base import BaseCommand

from friendlygov.api import webhooks


class Command(BaseCommand):
    help = "Send the pending webhook deliveries that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"{webhooks.send_due()} delivery(ies) sent.")
