import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from friendlygov.demo.generator import setup_cycles
from friendlygov.demo.summary import cycle_summaries
from friendlygov.feedback.demo import seed_demo_surveys


class Command(BaseCommand):
    help = (
        "Load the shipped reference data and the synthetic demo data: accounts and the 2024–2026 "
        "cycles (idempotent: existing cycles are kept as they are), then print the demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", action="store_true", help="A reduced variant (2 districts, 14 units) for tests."
        )

    def handle(self, *args, small=False, verbosity=1, **options):
        started = time.monotonic()
        call_command("load_units", stdout=self.stdout, verbosity=verbosity)
        call_command("load_default_framework", stdout=self.stdout, verbosity=verbosity)
        outcome = setup_cycles(small=small, log=self.stdout.write)
        for summary in cycle_summaries():
            state = outcome.get(summary.year, "")
            self.stdout.write(f"{summary.line()}  [{state}]")
        call_command("seed_demo_accounts", stdout=self.stdout)
        seed_demo_surveys(log=self.stdout.write)
        self.stdout.write(f"setup_demo finished in {time.monotonic() - started:.1f} s")
