"""The browser tests' look_at: in `make test` axe-core runs once per distinct page, at desktop
width; with FRIENDLYGOV_AXE=every (.ci/run's browser stage) on every looked-at state at both widths.
A stand-in page counts the axe-core runs, so no browser is needed."""

import pytest

from friendlygov.core import testing_browser
from friendlygov.core.testing_browser import distinct_page, look_at


class StandInPage:
    def __init__(self, url, lang="vi", violations=()):
        self.url = url
        self.lang = lang
        self.violations = list(violations)
        self.viewport_size = {"width": 1280, "height": 900}
        self.axe_runs = []

    def set_viewport_size(self, viewport):
        self.viewport_size = viewport

    def screenshot(self, **kwargs):
        pass

    def evaluate(self, script):
        if script == "document.documentElement.lang":
            return self.lang
        if script.startswith("typeof axe"):
            return True
        assert "axe.run" in script
        self.axe_runs.append((self.url, self.viewport_size["width"]))
        return {"violations": self.violations}


@pytest.fixture(autouse=True)
def _fresh_session(monkeypatch, tmp_path):
    monkeypatch.setattr(testing_browser, "_LOOKED_AT", set())
    monkeypatch.setattr(testing_browser, "_AXE_CHECKED", set())
    monkeypatch.setattr(testing_browser, "ARTIFACTS", tmp_path)
    monkeypatch.delenv("FRIENDLYGOV_AXE", raising=False)


def test_two_objects_shown_by_one_url_pattern_are_one_page():
    assert distinct_page(StandInPage("http://x/assessments/12/")) == distinct_page(
        StandInPage("http://x/assessments/13/?")
    )


def test_another_pattern_query_parameter_or_language_is_another_page():
    detail = distinct_page(StandInPage("http://x/assessments/12/"))
    assert distinct_page(StandInPage("http://x/reports/")) != detail
    assert distinct_page(StandInPage("http://x/assessments/12/?tab=history")) != detail
    assert distinct_page(StandInPage("http://x/assessments/12/", lang="en")) != detail


def test_make_test_runs_axe_once_per_distinct_page_at_desktop_width():
    first, second = StandInPage("http://x/assessments/12/"), StandInPage("http://x/assessments/13/")
    look_at(first, "state-a")
    look_at(second, "state-b")
    assert first.axe_runs == [("http://x/assessments/12/", 1280)]
    assert second.axe_runs == []
    other = StandInPage("http://x/reports/")
    other.viewport_size = {"width": 375, "height": 740}  # a test at phone width
    look_at(other, "state-c")
    assert other.axe_runs == [("http://x/reports/", 1280)]
    assert other.viewport_size == {"width": 375, "height": 740}  # the test's own width is given back


def test_with_axe_every_each_state_is_checked_at_both_widths(monkeypatch):
    monkeypatch.setenv("FRIENDLYGOV_AXE", "every")
    first, second = StandInPage("http://x/assessments/12/"), StandInPage("http://x/assessments/13/")
    look_at(first, "state-a")
    look_at(second, "state-b")
    assert [width for _url, width in second.axe_runs] == [1280, 375]


def test_a_serious_violation_fails_the_look():
    bad = {"id": "color-contrast", "impact": "serious", "help": "Contrast", "nodes": [{"target": ["p"]}]}
    with pytest.raises(AssertionError, match="color-contrast"):
        look_at(StandInPage("http://x/reports/", violations=[bad]), "state-bad")
