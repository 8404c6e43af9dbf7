"""The pages part of `make bench` (bench/pages.py): it starts only on a quiet machine, and its
verdicts name every figure beyond its target."""

import pytest

from bench import pages


def test_it_waits_for_the_load_average_to_fall_under_one(monkeypatch):
    loads = iter([3.2, 1.4, 0.6])
    monkeypatch.setattr(pages.os, "getloadavg", lambda: (next(loads), 0, 0))
    monkeypatch.setattr(pages.time, "sleep", lambda seconds: None)
    said = []
    quiet = pages.wait_for_quiet(timeout_s=600, log=said.append)
    assert quiet["load_average"] == 0.6
    assert len(said) == 2 and "3.20" in said[0]


def test_it_gives_up_with_a_clear_message_when_the_machine_stays_busy(monkeypatch):
    clock = iter(range(0, 10_000, 15))
    monkeypatch.setattr(pages.os, "getloadavg", lambda: (5.0, 0, 0))
    monkeypatch.setattr(pages.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(pages.time, "sleep", lambda seconds: None)
    with pytest.raises(SystemExit, match=r"stayed at 5\.00 .*--no-load-wait"):
        pages.wait_for_quiet(timeout_s=60, log=lambda line: None)


def test_a_verdict_names_each_figure_beyond_its_target():
    page = pages.Page("public_results", "anonymous", "/public/2025/", cached=True)
    assert pages.verdict(page, {"median_ms": 90, "p95_ms": 280, "cold_ms": 250}) == "met"
    assert pages.verdict(page, {"median_ms": 2400, "p95_ms": 280, "cold_ms": 900}) == (
        "NO: median 2400 > 150 ms, cold 900 > 300 ms"
    )
    export = next(p for p in pages.PAGES if p.name == "cycle_export_national_job")
    assert pages.verdict(export, {"median_ms": 9_500, "p95_ms": 12_000}) == "met"


def test_it_times_every_row_of_the_issue_and_at_least_25_pages():
    names = {page.name for page in pages.PAGES}
    assert len(pages.PAGES) >= 25
    assert {
        "assessment_list",
        "assessment_list_filtered",
        "public_results",
        "public_search",
        "decision_list",
        "decision_detail",
        "dashboard_national",
        "feedback_overview",
        "near_level_list",
        "trend_list",
        "explain_my_level",
        "api_results",
        "api_results_deep",
        "api_assessments",
        "api_assessments_deep",
        "api_decisions",
        "api_feedback_cycle",
        "feedback_export",
        "cycle_export_province",
        "cycle_export_national_job",
    } <= names
    personas = {page.persona for page in pages.PAGES if page.name == "decision_list"}
    assert personas == {"admin", "province", "appraiser", "commune"}
