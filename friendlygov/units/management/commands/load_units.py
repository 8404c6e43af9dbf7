from django.core.management.base import BaseCommand

from friendlygov.units.loader import load_units


class Command(BaseCommand):
    help = "Load the shipped administrative units and lineage (idempotent: a second run changes nothing)."

    def handle(self, *args, **options):
        result = load_units()
        for table in ("units", "events", "links"):
            self.stdout.write(
                f"{table}: {result.created[table]} created, {result.updated[table]} updated, "
                f"{result.unchanged[table]} unchanged"
                + (
                    f", {result.not_in_files[table]} in the database but not in the files"
                    if result.not_in_files[table]
                    else ""
                )
            )
