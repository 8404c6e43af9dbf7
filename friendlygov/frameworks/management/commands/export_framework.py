from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.yaml_io import dump_document


class Command(BaseCommand):
    help = "Write a framework version as YAML (the latest version of CODE unless --number is given)."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--number", dest="number", type=int)
        parser.add_argument("--output")

    def handle(self, *args, code, number, output, **options):
        versions = FrameworkVersion.objects.filter(code=code).order_by("-version")
        if number is not None:
            versions = versions.filter(version=number)
        version = versions.first()
        if version is None:
            raise CommandError(f"no framework version with code {code!r}")
        text = dump_document(version_document(version))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
