"""Where the translation catalogues live, and text helpers for Vietnamese.

Source strings are Vietnamese (the default language); each app keeps its English catalogue in
`<app>/locale/en/`, the project-wide templates in `locale/en/`.
"""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.db.models import Q


def catalogue_paths() -> list[Path]:
    roots = [Path(p) for p in settings.LOCALE_PATHS] + sorted(
        (settings.BASE_DIR / "friendlygov").glob("*/locale")
    )
    return sorted(po for root in roots for po in root.glob("*/LC_MESSAGES/*.po"))


def fold(text: str) -> str:
    """Lower-case `text` and strip Vietnamese tone marks and diacritics: "Hồng Phong" -> "hong phong".

    Used for search that ignores tone marks, and for sorting keys people expect.
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.lower().split())


def word_start_q(field: str, query: str) -> Q:
    """Rows whose folded `field` (a column kept as `fold(name)`) has the folded `query` at the
    start of a word: "hai duong" finds "phuong hai duong", not "xa thai duong". Plain LIKE in the
    database (folded names separate words by one space), so it pages and counts in SQL."""
    folded = fold(query)
    return Q(**{f"{field}__startswith": folded}) | Q(**{f"{field}__contains": f" {folded}"})
