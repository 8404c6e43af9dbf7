"""A private folder for job files (the 2024 cycle and personas come from friendlygov.assessments.testing)."""

import pytest


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
