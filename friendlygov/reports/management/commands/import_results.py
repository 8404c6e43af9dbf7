"""python manage.py import_results FILE --cycle YEAR [--user NAME]: a past cycle's decided results
from .xlsx or .csv; nothing is imported unless every row is valid (see reports.imports)."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from friendlygov.reports import imports


class Command(BaseCommand):
    help = (
        "Import a past cycle's decided results (unit code, final score, decision number and date, level, "
        "reason: a level below the score's band needs a reason naming the failed condition)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--cycle", type=int, required=True, help="year of the cycle, e.g. 2023")
        parser.add_argument("--user", help="username recorded as the importer (default: the command line)")

    def handle(self, *args, file: Path, cycle: int, user=None, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error}") from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user named {user!r}.")
        try:
            summary = imports.import_results(data, file.name, year=cycle, actor=actor)
        except imports.ImportRefused as refused:
            for problem in refused.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(refused.problems)} problem(s); nothing was imported.") from None
        self.stdout.write(f"{file.name}: {summary.saved} saved, {summary.unchanged} unchanged ({cycle}).")
