"""The assessment area's 2024 cycle and personas, and a private folder for job files."""

import pytest

from friendlygov.assessments.tests.conftest import cycle_2024, dong_cam, people, persona  # noqa: F401
from friendlygov.assessments.tests.test_decisions_documents import (  # noqa: F401
    appraised_units,
    draft,
    issued,
    kim_thanh_chair,
)


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
