from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.xlsx_export import framework_workbook
from friendlygov.frameworks.yaml_io import dump_document


class Command(BaseCommand):
    help = (
        "Write a framework version as YAML (the latest version of CODE unless --number is given); "
        "an --output ending in .xlsx gets the Excel workbook instead."
    )

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
        if output and output.lower().endswith(".xlsx"):
            Path(output).write_bytes(framework_workbook(version_document(version)))
            self.stdout.write(f"wrote {output}")
            return
        text = dump_document(version_document(version))
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {output}")
        else:
            self.stdout.write(text, ending="")
