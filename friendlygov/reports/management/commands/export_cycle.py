"""python manage.py export_cycle YEAR [-o FILE]: the cycle's results workbook, as a province
administrator sees it (every unit)."""

from pathlib import Path

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError

from friendlygov.assessments.models import Cycle
from friendlygov.reports import exports


class _Everyone(AnonymousUser):
    """The command line sees what a superuser sees."""

    is_superuser = True

    @property
    def is_authenticated(self):
        return True


class Command(BaseCommand):
    help = "Export a cycle's results, indicator matrix and targets to .xlsx."

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, year: int, output=None, **options):
        cycle = Cycle.objects.select_related("framework").filter(year=year).first()
        if cycle is None:
            raise CommandError(f"No cycle for {year}.")
        output = output or Path(exports.cycle_export_filename(year))
        output.write_bytes(exports.export_cycle(cycle, _Everyone()))
        self.stdout.write(f"{output}")
