from django.core.management.base import BaseCommand
from django.utils import translation

from friendlygov.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from friendlygov.accounts.models import Role
from friendlygov.accounts.services import ensure_demo_accounts


class Command(BaseCommand):
    help = "Create the demo accounts and their role grants (idempotent) and print their logins."

    def handle(self, *args, **options):
        ensure_demo_accounts()
        self.stdout.write(f"\nDemo logins (password for all: {DEMO_PASSWORD})")
        rows = [("username", "role", "where", "what to try")]
        with translation.override("en"):
            rows += [(a.username, str(Role(a.role).label), a.where, a.try_this) for a in DEMO_ACCOUNTS]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        for *cells, try_this in rows:
            padded = "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True))
            self.stdout.write(f"  {padded}  {try_this}")
