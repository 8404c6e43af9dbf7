from pathlib import Path

import pytest
from django.core.management import call_command

from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.services import load_framework

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "hai-duong-2024.yaml"


@pytest.fixture
def default_text() -> str:
    return DEFAULT_FILE.read_text(encoding="utf-8")


@pytest.fixture
def published(db) -> FrameworkVersion:
    call_command("load_default_framework", verbosity=0)
    return FrameworkVersion.objects.get(code="hai-duong-2024")


@pytest.fixture
def draft(db, default_text) -> FrameworkVersion:
    text = default_text.replace("code: hai-duong-2024", "code: hai-duong-2025-draft").replace(
        "year: 2024", "year: 2025"
    )
    return load_framework(text, filename="draft.yaml", actor=None)
