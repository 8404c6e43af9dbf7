from pathlib import Path

from django.core.management.base import BaseCommand

from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.services import load_framework
from friendlygov.frameworks.yaml_io import parse_framework

DEFAULT_FILE = Path(__file__).resolve().parents[2] / "data" / "hai-duong-2024.yaml"


class Command(BaseCommand):
    help = "Load and publish the shipped default framework (a template), unless it is already there."

    def handle(self, *args, **options):
        text = DEFAULT_FILE.read_text(encoding="utf-8")
        document = parse_framework(text, DEFAULT_FILE.name)
        if FrameworkVersion.objects.filter(code=document.code, version=document.version).exists():
            self.stdout.write(f"framework {document.code} v{document.version} is already loaded")
            return
        load_framework(text, filename=DEFAULT_FILE.name, actor=None, publish=True)
        self.stdout.write(f"loaded and published {document.code} v{document.version} (template)")
