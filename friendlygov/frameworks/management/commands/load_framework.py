from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from friendlygov.frameworks.services import load_framework
from friendlygov.frameworks.yaml_io import FrameworkFileError


class Command(BaseCommand):
    help = "Load a framework version from a YAML file as a draft (all or nothing); --publish publishes it."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--publish", action="store_true")

    def handle(self, *args, file, publish, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}") from None
        try:
            version = load_framework(text, filename=path.name, actor=None, publish=publish)
        except FrameworkFileError as error:
            raise CommandError(f"nothing was loaded:\n{error}") from None
        self.stdout.write(f"loaded {version.code} v{version.version} ({version.get_status_display()})")
