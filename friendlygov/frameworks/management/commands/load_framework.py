from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from friendlygov.core.spreadsheets import ImportRefused
from friendlygov.frameworks.services import import_framework_workbook, load_framework, publish_framework
from friendlygov.frameworks.yaml_io import FrameworkFileError


class Command(BaseCommand):
    help = (
        "Load a framework version from a YAML file or an Excel workbook (told apart by content) as a "
        "draft, all or nothing; --publish publishes it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, file, publish, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error}") from None
        if data.startswith(b"PK\x03\x04"):
            self.load_workbook(data, path.name, publish)
            return
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            version = load_framework(text, filename=path.name, actor=None, publish=publish)
        except FrameworkFileError as error:
            raise CommandError(f"nothing was loaded:\n{error}") from None
        self.stdout.write(f"loaded {version.code} v{version.version} ({version.get_status_display()})")

    def load_workbook(self, data: bytes, name: str, publish: bool) -> None:
        try:
            with transaction.atomic():  # published, or not loaded at all
                version = import_framework_workbook(data, filename=name, actor=None)
                if publish:
                    version = publish_framework(version, actor=None)
        except ImportRefused as error:
            raise CommandError(f"nothing was loaded:\n{error}") from None
        self.stdout.write(f"loaded {version.code} v{version.version} ({version.get_status_display()})")
