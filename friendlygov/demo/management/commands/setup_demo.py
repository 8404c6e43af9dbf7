from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the shipped reference data and demo data (idempotent), then print the demo logins."

    def handle(self, *args, **options):
        call_command("load_units", stdout=self.stdout)
        call_command("load_default_framework", stdout=self.stdout)
        call_command("seed_demo_accounts", stdout=self.stdout)
