"""Helpers shared by the Excel tests: reading a workbook and LibreOffice conversion (the 2024
cycle, personas and the decided cycle come from friendlygov.assessments.testing)."""

import subprocess
import zipfile
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from friendlygov.core.testing import needs_libreoffice_calc


def workbook(data: bytes):
    return load_workbook(BytesIO(data))


def formula_cells(data: bytes) -> list[str]:
    """Every cell of every sheet stored as a formula (`<f>` in the package's XML)."""
    with zipfile.ZipFile(BytesIO(data)) as package:
        return [
            name
            for name in package.namelist()
            if name.startswith("xl/worksheets/") and b"<f>" in package.read(name)
        ]


def convert(source: Path, target_format: str, tmp_path: Path) -> Path:
    """`source` (a spreadsheet) converted by LibreOffice Calc, with a private profile, into
    tmp_path/out. Skips where Calc is missing (Writer alone cannot open a spreadsheet)."""
    soffice = needs_libreoffice_calc()
    out = tmp_path / f"out-{target_format}"
    out.mkdir(exist_ok=True)
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(  # noqa: S603 - fixed arguments, a file the test wrote
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            target_format,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out / (source.stem + "." + target_format.split(":")[0])
