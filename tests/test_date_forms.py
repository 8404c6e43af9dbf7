"""Every form that asks for a date uses the one date input (core.dates): a text box in the page's
format, day first in Vietnamese and English, ISO accepted, impossible or ambiguous dates refused
quoting the text as typed. The HTTP behaviour of each page is tested in its app; this module
checks each form the same way, and that no form goes back to the browser's date widget."""

import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import translation

from friendlygov.api.views import TokenForm
from friendlygov.assessments.decision_forms import DecisionForm, IssueForm
from friendlygov.units.forms import SearchForm, TreeForm

ROOT = Path(__file__).resolve().parent.parent
BODY = SimpleNamespace(
    cycle=SimpleNamespace(decision_from=date(2026, 1, 1), decision_until=date(2026, 12, 31)),
    decision_symbol="QĐ-UBND",
    is_collective=False,  # the Chairman decides: signs directly or KT.
)
# (form factory, the date field, the other fields a valid post needs)
FORMS = {
    "units tree": (lambda **kw: TreeForm(**kw), "date", {}),
    "units search": (lambda **kw: SearchForm(**kw), "date", {"q": "Hồng"}),
    "API token": (lambda **kw: TokenForm(**kw), "expires_on", {"name": "Văn bản"}),
    "decision draft": (
        lambda **kw: DecisionForm(body=BODY, **kw),
        "signed_on",
        {"signer_name": "Nguyễn Văn An", "legal_bases": "Luật"},
    ),
    "decision issue": (lambda **kw: IssueForm(body=BODY, **kw), "signed_on", {}),
}


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("typed", ["12/06/2026", "12/6/2026", "2026-06-12"])
@pytest.mark.parametrize("name", list(FORMS))
def test_every_date_form_reads_day_first_and_iso(name, typed, language):
    make, field, others = FORMS[name]
    with translation.override(language):
        form = make(data={**others, field: typed})
        assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == date(2026, 6, 12)
    assert 'value="12/06/2026"' in str(form[field])  # shown back as understood, day first


@pytest.mark.parametrize(
    ("language", "typed", "said"),
    [
        ("vi", "06/13/2026", "không có tháng 13"),
        ("en", "06/13/2026", "there is no month 13"),
        ("vi", "31/02/2026", "không có ngày 31"),
        ("en", "31/02/2026", "has no day 31"),
        ("vi", "12/06/26", "bốn chữ số"),
        ("en", "June 12", "is not a date"),
    ],
)
@pytest.mark.parametrize("name", list(FORMS))
def test_every_date_form_refuses_what_it_cannot_read_quoting_it(name, language, typed, said):
    make, field, others = FORMS[name]
    with translation.override(language):
        form = make(data={**others, field: typed})
        assert not form.is_valid()
        message = " ".join(form.errors[field])
        html = str(form[field])
    assert f"“{typed}”" in message and said in message
    assert f'value="{typed}"' in html  # what was typed stays to be corrected


@pytest.mark.parametrize(("language", "placeholder"), [("vi", "ngày/tháng/năm"), ("en", "dd/mm/yyyy")])
@pytest.mark.parametrize("name", list(FORMS))
def test_every_date_form_shows_a_day_first_and_its_format(name, language, placeholder):
    make, field, _others = FORMS[name]
    with translation.override(language):
        html = str(make(initial={field: date(2026, 6, 1)})[field])
    assert 'type="text"' in html and 'value="01/06/2026"' in html
    assert f'placeholder="{placeholder}"' in html


def test_no_form_or_template_uses_the_browsers_date_widget():
    """The browser's widget shows its own locale's order; core.dates is the one date input."""
    offenders = []
    browser_widget = re.compile(
        r"""type=["']date["']|["']type["']:\s*["']date["']|input_type\s*=\s*["']date"""
    )
    plain_field = re.compile(r"forms\.DateField\(")
    for path in (ROOT / "friendlygov").rglob("*"):
        if path.suffix not in (".py", ".html", ".js") or "tests" in path.parts or path.name == "dates.py":
            continue
        text = path.read_text(encoding="utf-8")
        if browser_widget.search(text) or (path.suffix == ".py" and plain_field.search(text)):
            offenders.append(str(path.relative_to(ROOT)))
    for path in (ROOT / "templates").rglob("*.html"):
        if browser_widget.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
