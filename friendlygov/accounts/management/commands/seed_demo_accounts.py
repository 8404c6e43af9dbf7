from django.core.management.base import BaseCommand

from friendlygov.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from friendlygov.accounts.services import ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print their logins."

    def handle(self, *args, **options):
        ensure_demo_accounts()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<22} {account.role}")
