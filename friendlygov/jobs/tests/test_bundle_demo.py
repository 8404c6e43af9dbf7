"""The decision bundle of the demo's 2024 cycle, where decision numbers repeat across districts
(62/QĐ-UBND is both Nam Sách's and Cẩm Giàng's): unzipped, nothing is overwritten."""

import csv
import hashlib
import io
import zipfile

import pytest

from friendlygov.assessments.models import Cycle, Decision
from friendlygov.jobs import services, worker
from friendlygov.jobs.runners import MANIFEST_NAME


@pytest.fixture(scope="module")
def bundle(full_demo, django_db_blocker, tmp_path_factory):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    with django_db_blocker.unblock():
        media, settings.MEDIA_ROOT = settings.MEDIA_ROOT, tmp_path_factory.mktemp("media")
        try:
            cycle = Cycle.objects.get(year=2024)
            admin = get_user_model().objects.create_superuser("bundle-admin", password="not-used-bundle")
            job = services.start_decision_documents(cycle, actor=admin)
            worker.run_job(job.pk)
            job.refresh_from_db()
            with job.result.open("rb") as handle:
                data = handle.read()
            decisions = Decision.objects.filter(cycle=cycle).count()
        finally:
            settings.MEDIA_ROOT = media
    return zipfile.ZipFile(io.BytesIO(data)), decisions


def test_the_2024_bundle_unzips_to_twelve_decisions_with_distinct_names(bundle, tmp_path):
    archive, decisions = bundle
    names = archive.namelist()
    assert decisions == 12
    assert len(names) == len(set(names)) == 13  # 12 decisions and the manifest
    archive.extractall(tmp_path)
    assert len(list(tmp_path.iterdir())) == 13
    numbers = [name.split("-2025-")[0] for name in names if name.endswith(".docx")]
    assert len(numbers) > len(set(numbers))  # numbers do repeat; the issuer tells them apart
    assert "QD-CONG-NHAN-62-QD-UBND-2025-UBND-HUYEN-NAM-SACH.docx" in names
    assert "QD-CONG-NHAN-62-QD-UBND-2025-UBND-HUYEN-CAM-GIANG.docx" in names


def test_the_manifest_lists_every_file_with_its_hash(bundle):
    archive, _decisions = bundle
    text = archive.read(MANIFEST_NAME).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    files = sorted(name for name in archive.namelist() if name != MANIFEST_NAME)
    assert sorted(row["Tệp"] for row in rows) == files
    for row in rows:
        assert row["SHA-256"] == hashlib.sha256(archive.read(row["Tệp"])).hexdigest()
        assert row["Tình trạng"] == "Đã ban hành"
    assert {row["Cơ quan ban hành"] for row in rows} >= {
        "ỦY BAN NHÂN DÂN HUYỆN NAM SÁCH",
        "ỦY BAN NHÂN DÂN HUYỆN CẨM GIÀNG",
    }
