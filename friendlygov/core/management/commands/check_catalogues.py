import os
from contextlib import chdir

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from friendlygov.core.i18n import catalogue_paths

ALWAYS_IGNORED = [".venv/*", "tests/*", "static/vendor/*", "staticfiles/*", "var/*", "bench/*"]


class Command(BaseCommand):
    help = (
        "Fail on any untranslated or fuzzy entry in the English catalogues. With --extract, first "
        "re-extract every catalogue from the source (needs GNU gettext), so new strings count too."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--extract", action="store_true", help="run makemessages for every catalogue first"
        )

    def handle(self, *args, extract=False, **options):
        if extract:
            self.extract()
        problems = [
            f"{os.path.relpath(po_path, settings.BASE_DIR)}: {kind}: {entry.msgid!r}"
            for po_path in catalogue_paths()
            if "/en/" in str(po_path)
            for kind, entry in self.incomplete_entries(polib.pofile(str(po_path)))
        ]
        if problems:
            raise CommandError("Untranslated or fuzzy entries:\n" + "\n".join(problems))
        self.stdout.write(f"{len(catalogue_paths())} catalogues complete.")

    @staticmethod
    def incomplete_entries(catalogue):
        for entry in catalogue.untranslated_entries():
            yield "untranslated", entry
        for entry in catalogue.fuzzy_entries():
            yield "fuzzy", entry

    def extract(self):
        app_roots = sorted(path.parent for path in (settings.BASE_DIR / "friendlygov").glob("*/locale"))
        options = {"locale": ["en"], "no_location": True, "no_obsolete": True, "verbosity": 0}
        for app_root in app_roots:
            # makemessages writes to settings.LOCALE_PATHS before the app's own locale/ folder:
            # without this, an app's strings would overwrite the project-wide catalogue.
            with chdir(app_root), override_settings(LOCALE_PATHS=[]):
                call_command("makemessages", ignore_patterns=["locale/*"], **options)
        own_catalogues = [f"{os.path.relpath(root, settings.BASE_DIR)}/*" for root in app_roots]
        with chdir(settings.BASE_DIR):
            call_command("makemessages", ignore_patterns=ALWAYS_IGNORED + own_catalogues, **options)
