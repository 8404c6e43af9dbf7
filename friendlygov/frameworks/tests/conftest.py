from pathlib import Path

import pytest
from django.core.management import call_command

from friendlygov.frameworks.models import FrameworkVersion
from friendlygov.frameworks.services import load_framework

DEFAULT_FILE = Path(__file__).resolve().parents[1] / "data" / "hai-duong-2024.yaml"


def renamed(text: str, code: str, name: str, year: int = 2025) -> str:
    return (
        text.replace("code: hai-duong-2024", f"code: {code}", 1)
        .replace(
            "name: Bộ tiêu chí Chính quyền thân thiện tỉnh Hải Dương năm 2024 (bộ mẫu)", f"name: {name}", 1
        )
        .replace("year: 2024", f"year: {year}", 1)
    )


@pytest.fixture
def default_text() -> str:
    """The shipped default under another code, so it loads beside the session's reference copy."""
    return renamed(DEFAULT_FILE.read_text(encoding="utf-8"), "thu-nghiem", "Bộ tiêu chí thử nghiệm")


@pytest.fixture
def published(db) -> FrameworkVersion:
    call_command("load_default_framework", verbosity=0)
    return FrameworkVersion.objects.get(code="hai-duong-2024")


@pytest.fixture
def draft(db, default_text) -> FrameworkVersion:
    text = renamed(
        DEFAULT_FILE.read_text(encoding="utf-8"), "hai-duong-2025-draft", "Bộ tiêu chí 2025 (dự thảo)"
    )
    return load_framework(text, filename="draft.yaml", actor=None)
