import polib
from django.conf import settings
from django.core.management.base import BaseCommand

from friendlygov.core.i18n import catalogue_paths


class Command(BaseCommand):
    help = "Compile every .po catalogue of the project to .mo with polib, so no GNU gettext is needed."

    def handle(self, *args, **options):
        for po_path in catalogue_paths():
            mo_path = po_path.with_suffix(".mo")
            if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
                continue
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
            self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
