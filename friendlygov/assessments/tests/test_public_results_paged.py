"""The public results read in pages, on the full demo: every page together gives the rows the
unpaged page gave, in the same order, a search finds the same units, and a page read again comes
from the cache."""

import pytest
from django.urls import reverse

from friendlygov.assessments import public_results, register
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.core.i18n import fold, word_start_q
from friendlygov.reviews.selectors import open_assessment_ids
from friendlygov.signing.templatetags.signing import signed_originals
from friendlygov.units.models import Level
from friendlygov.units.selectors import former_districts

pytestmark = pytest.mark.django_db


def unpaged(cycle, query=""):
    """The rows as the page built them before it was paged: every decided unit loaded, its item in
    force from the register, sorted in Python by level then folded name."""
    in_scope = Assessment.objects.filter(cycle=cycle, status__in=public_results.PUBLIC_WHILE_IN_FORCE)
    if fold(query):
        in_scope = in_scope.filter(word_start_q("unit__search_name", query))
    assessments = list(in_scope.select_related("unit__parent"))
    live = register.in_force_items(in_scope.values("pk"))
    districts = former_districts([a.unit_id for a in assessments])
    under_review, originals = open_assessment_ids(cycle), signed_originals(cycle)
    rows = [(a, live[a.pk][0]) for a in assessments if a.pk in live]
    rows.sort(key=lambda row: (-row[1].level, fold(row[0].unit.name)))
    return [
        (
            a.pk,
            a.unit.name,
            districts[a.unit_id].name if a.unit_id in districts else None,
            a.unit.parent is None or a.unit.parent.level != Level.DISTRICT,
            item.level,
            item.final_score,
            tuple(item.reasons),
            item.reasons_missing,
            item.decision.number,
            item.decision.signed_on,
            a.pk in under_review,
            item.decision_id in originals,
        )
        for a, item in rows
    ]


def every_page(client, year, query=""):
    """The rows of every page, following the pager's "next" link from the first page."""
    url, rows, pages = reverse("public:cycle_results", args=[year]), [], 0
    params = {"q": query} if query else {}
    while True:
        pages += 1
        page = client.get(url, {**params, "page": pages})
        assert page.status_code == 200
        rows += [
            (
                r.assessment_id,
                r.unit_name,
                r.district_name,
                r.former_district,
                r.level,
                r.final_score,
                r.reasons,
                r.reasons_missing,
                r.decision_number,
                r.signed_on,
                r.under_review,
                r.has_original,
            )
            for r in page.context["rows"]
        ]
        if not page.context["page"].has_next():
            return rows, pages, page


class TestOnTheFullDemo:
    @pytest.fixture(autouse=True)
    def _demo(self, full_demo):
        pass

    def test_every_page_together_gives_the_unpaged_rows_in_order(self, anonymous):
        years = list(
            Cycle.objects.filter(decisions__state="issued").values_list("year", flat=True).distinct()
        )
        assert years
        for year in years:
            cycle = Cycle.objects.get(year=year)
            expected = unpaged(cycle)
            rows, pages, last = every_page(anonymous, year)
            assert rows == expected
            assert pages == -(-len(expected) // 50)
            assert last.context["total"] == len(expected)

    def test_the_2024_list_is_paged_by_50_and_says_how_many_match(self, anonymous):
        page = anonymous.get(reverse("public:cycle_results", args=[2024]), {"page": 2})
        total = len(unpaged(Cycle.objects.get(year=2024)))
        assert total > 100
        assert len(page.context["rows"]) == 50
        assert f"Dòng 51–100 trong {total}" in page.text
        assert "page=3" in page.text and "page=1" in page.text

    @pytest.mark.parametrize("query", ["hai", "xã", "cong hoa", "THÁI d", "phuong hai duong", "zzz"])
    def test_a_search_finds_the_same_units_as_before(self, anonymous, query):
        rows, _pages, last = every_page(anonymous, 2024, query)
        assert rows == unpaged(Cycle.objects.get(year=2024), query)
        assert last.context["page"].paginator.count == len(rows)

    def test_a_page_past_the_last_reads_the_last_and_a_long_query_is_refused_as_before(self, anonymous):
        url = reverse("public:cycle_results", args=[2024])
        last = anonymous.get(url, {"page": 99999})
        assert last.context["page"].number == last.context["page"].paginator.num_pages
        too_long = anonymous.get(url, {"q": "a" * 101})
        assert too_long.context["query"] == ""
        assert too_long.context["page"].paginator.count == last.context["total"]

    def test_a_page_read_again_comes_from_the_cache(self, anonymous, django_assert_max_num_queries):
        url = reverse("public:cycle_results", args=[2024])
        anonymous.get(url, {"page": 3, "q": "xa"})
        with django_assert_max_num_queries(1) as queries:  # the cycle with its program
            again = anonymous.get(url, {"page": 3, "q": "xa"})
        assert again.context["rows"]
        assert not any("decisionitem" in q["sql"] for q in queries.captured_queries)
