"""python manage.py prune_idempotency_keys: forget expired Idempotency-Key answers (daily cron)."""

from django.core.management.base import BaseCommand

from friendlygov.api import idempotency


class Command(BaseCommand):
    help = "Delete the kept answers of Idempotency-Keys past IDEMPOTENCY_KEY_HOURS."

    def handle(self, *args, **options):
        self.stdout.write(f"{idempotency.prune()} expired key(s) removed.")
