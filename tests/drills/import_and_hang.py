"""Helper process for the killed-import drill (not a test): builds a results file for 40 communes
from the database it is pointed at, imports it with `manage.py import_results`, and, once every row
is written but before the transaction commits, writes how many rows it sees to MARKER and hangs so
the test can SIGKILL it there.

    python tests/drills/import_and_hang.py MARKER WORKDIR
"""

import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from friendlygov.reports import imports  # noqa: E402
from friendlygov.reports.models import ImportedResult  # noqa: E402
from friendlygov.units.models import UnitVersion  # noqa: E402

YEAR = 2024


def results_file(folder: Path) -> Path:
    communes = UnitVersion.objects.valid_on(date(2024, 12, 31)).filter(province_code="30", level=3)
    book = Workbook()
    sheet = book.active
    sheet.append(["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định", "Mức"])
    for unit in communes.order_by("code")[:40]:
        sheet.append([unit.code, 90, "12/QĐ-UBND", date(2025, 1, 10), None])
    path = folder / "ket-qua-2024.xlsx"
    book.save(path)
    return path


def main(marker: Path, folder: Path):
    path = results_file(folder)

    def hang_inside_the_transaction(*args, **kwargs):
        marker.write_text(str(ImportedResult.objects.filter(year=YEAR).count()))
        time.sleep(600)

    imports.record = hang_inside_the_transaction  # called after the rows, before the commit
    call_command("import_results", str(path), "--cycle", str(YEAR))


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
