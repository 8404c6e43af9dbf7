import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from friendlygov.units.builder import Builder
from friendlygov.units.loader import DATA_DIR

FILES = {
    "units.csv": (
        "unit_rows",
        ["id", "code", "name", "type", "province_code", "parent_id", "valid_from", "valid_to"],
    ),
    "events.csv": ("event_rows", ["id", "kind", "effective_date", "legal_basis", "note"]),
    "links.csv": ("link_rows", ["event_id", "predecessor_id", "successor_id", "share", "inferred"]),
}


class Command(BaseCommand):
    help = "Rebuild friendlygov/units/data/*.csv (facts only, sorted) from the raw reference files."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, default=settings.SHARED_DIR / "data" / "admin-units")
        parser.add_argument("--output", type=Path, default=DATA_DIR)

    def handle(self, *args, source, output, **options):
        builder = Builder(source).build()
        output.mkdir(parents=True, exist_ok=True)
        for filename, (method, columns) in FILES.items():
            rows = list(getattr(builder, method)())
            with (output / filename).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
            self.stdout.write(f"{filename}: {len(rows)} rows")
        (output / "inferred_links.txt").write_text("\n".join(builder.inference_log) + "\n", encoding="utf-8")
        self.stdout.write(f"inferred_links.txt: {len(builder.inference_log)} retired codes")
