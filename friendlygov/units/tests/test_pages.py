import pytest
from django.urls import reverse

PAGES = [
    ("units:tree", {}, {}),
    ("units:tree", {}, {"date": "2024-12-31", "province": "30"}),
    ("units:tree", {}, {"date": "2025-12-31", "province": "31"}),
    ("units:search", {}, {"q": "hong phong"}),
    ("units:detail", {"unit_id": "10804@2025-07-01"}, {}),
]


@pytest.mark.parametrize(("name", "kwargs", "params"), PAGES)
def test_it_renders_unit_pages_for_a_signed_in_user(signed_in, units, name, kwargs, params):
    response = signed_in.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 200


@pytest.mark.parametrize(("name", "kwargs", "params"), PAGES)
def test_it_redirects_an_anonymous_visitor_to_login(anonymous, db, name, kwargs, params):
    response = anonymous.get(reverse(name, kwargs=kwargs), params)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_it_shows_districts_with_counts_in_2024(signed_in, units):
    html = signed_in.get(reverse("units:tree"), {"date": "2024-12-31", "province": "30"}).content.decode()
    main = html[html.index("<main") :]  # the header's account menu is a <details> too
    assert main.count("<details") == 12
    assert "Tỉnh Hải Dương" in html
    assert "235" in html


def test_it_shows_no_district_level_after_july_2025(signed_in, units):
    html = signed_in.get(reverse("units:tree"), {"date": "2025-12-31", "province": "31"}).content.decode()
    assert "<details" not in html[html.index("<main") :]
    assert "Đặc khu Bạch Long Vĩ" in html


def test_it_survives_a_malformed_date_and_says_what_it_could_not_read(signed_in, units):
    tree = signed_in.get(reverse("units:tree"), {"date": "12/31/2024"})
    assert tree.status_code == 200
    assert "“12/31/2024”: không có tháng 31" in tree.content.decode()
    assert signed_in.get(reverse("units:search"), {"q": "x", "date": "nope"}).status_code == 200


@pytest.mark.parametrize("language", ["vi", "en"])
def test_an_iso_link_and_a_day_first_date_show_the_same_tree_written_day_first(signed_in, units, language):
    signed_in.cookies["django_language"] = language
    iso = signed_in.get(reverse("units:tree"), {"date": "2024-12-31", "province": "30"}).content.decode()
    typed = signed_in.get(reverse("units:tree"), {"date": "31/12/2024", "province": "30"}).content.decode()
    main = iso[iso.index("<main") :]
    assert main == typed[typed.index("<main") :]
    assert 'value="31/12/2024"' in main and 'type="date"' not in main


def test_it_returns_only_the_results_fragment_to_htmx(signed_in, units):
    response = signed_in.get(
        reverse("units:search"), {"q": "hong phong", "date": "2024-12-31"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("Xã Hồng Phong") == 4  # three in Hải Dương, one in Hải Phòng
    assert "Huyện Ninh Giang" in html


def test_it_shows_lineage_with_legal_basis_and_inferred_marks(signed_in, units):
    html = signed_in.get(reverse("units:detail", kwargs={"unit_id": "10798@2025-01-01"})).content.decode()
    assert "Xã Liên Hòa" in html
    assert "suy luận" in html
    assert "Xã Kim Thành" in html
    assert "cần bổ sung" in html


def test_it_answers_404_for_an_unknown_unit(signed_in, db):
    assert signed_in.get(reverse("units:detail", kwargs={"unit_id": "nope"})).status_code == 404


def test_it_keeps_the_tree_page_queries_constant(signed_in, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        signed_in.get(reverse("units:tree"), {"date": "2024-12-31", "province": "30"})


def test_it_keeps_the_detail_page_queries_constant(signed_in, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        signed_in.get(reverse("units:detail", kwargs={"unit_id": "30@2024-01-01"}))


def test_it_speaks_english_when_asked(signed_in, units):
    signed_in.cookies["django_language"] = "en"
    html = signed_in.get(reverse("units:tree"), {"date": "2024-12-31", "province": "30"}).content.decode()
    assert "Administrative units" in html
    assert "Commune: " in html
