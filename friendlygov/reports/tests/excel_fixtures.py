"""Fixtures shared by the Excel tests: the assessment area's 2024 cycle and personas, a decided
cycle (one issued decision over a few units), and LibreOffice conversion."""

import os
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from friendlygov.assessments.tests import test_decisions_documents as decided
from friendlygov.assessments.tests.conftest import cycle_2024, dong_cam, people, persona

__all__ = [
    "appraised_units",
    "cycle_2024",
    "dong_cam",
    "draft",
    "issued",
    "kim_thanh_chair",
    "people",
    "persona",
]

kim_thanh_chair = decided.kim_thanh_chair
appraised_units = decided.appraised_units
draft = decided.draft
issued = decided.issued


def workbook(data: bytes):
    return load_workbook(BytesIO(data))


def soffice_or_skip() -> str:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("FRIENDLYGOV_REQUIRE_BROWSER") == "1":
            pytest.fail("LibreOffice is required (FRIENDLYGOV_REQUIRE_BROWSER=1) but soffice is missing.")
        pytest.skip("LibreOffice (soffice) is not installed")
    return soffice


def convert(source: Path, target_format: str, tmp_path: Path) -> Path:
    """`source` converted by LibreOffice, with a private profile, into tmp_path/out."""
    soffice = soffice_or_skip()
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
