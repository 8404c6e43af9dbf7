"""Public results on the full demo (235 units decided in 2024): namesakes are told apart by their
district, and search matches whole words or word beginnings, tone marks ignored."""

import pytest
from django.urls import reverse

from friendlygov.core.i18n import fold

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(full_demo):
    return full_demo


def found(anonymous, year, query):
    page = anonymous.get(reverse("public:cycle_results", args=[year]), {"q": query})
    assert page.status_code == 200
    return page


def test_the_two_xa_cong_hoa_of_2024_show_their_districts(demo, anonymous):
    page = found(anonymous, 2024, "cong hoa")
    rows = [r for r in page.context["rows"] if r.unit_name == "Xã Cộng Hòa"]
    assert sorted(r.district_name for r in rows) == ["Huyện Kim Thành", "Huyện Nam Sách"]
    assert not any(r.former_district for r in rows)
    assert "Huyện Kim Thành" in page.text and "Huyện Nam Sách" in page.text


def test_hai_duong_does_not_find_xa_thai_duong(demo, anonymous):
    assert [r.unit_name for r in found(anonymous, 2024, "thai duong").context["rows"]] == ["Xã Thái Dương"]
    rows = found(anonymous, 2024, "hai duong").context["rows"]
    assert all(r.unit_name != "Xã Thái Dương" for r in rows)
    for row in rows:
        words = fold(row.unit_name).split()
        assert any(" ".join(words[i:]).startswith("hai duong") for i in range(len(words)))


def test_a_word_beginning_finds_the_unit_a_middle_of_a_word_does_not(demo, anonymous):
    assert "Xã Thái Dương" in [r.unit_name for r in found(anonymous, 2024, "THÁI d").context["rows"]]
    assert "Xã Thái Dương" not in [r.unit_name for r in found(anonymous, 2024, "hai").context["rows"]]


def test_a_unit_formed_after_the_districts_shows_its_former_district(demo, anonymous):
    page = anonymous.get(reverse("public:cycle_results", args=[2025]))
    rows = page.context["rows"]
    assert rows and all(r.former_district and r.district_name for r in rows)
    assert f"{rows[0].district_name} (cũ)" in page.text
