"""python manage.py retry_webhooks: send the webhook retries that are due (cron, every minute,
when no database task worker schedules them)."""

from django.core.management.base import BaseCommand

from friendlygov.api import webhooks


class Command(BaseCommand):
    help = "Enqueue the pending webhook deliveries whose retry is due."

    def handle(self, *args, **options):
        self.stdout.write(f"{webhooks.retry_due()} delivery(ies) sent again.")
