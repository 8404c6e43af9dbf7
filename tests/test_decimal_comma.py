"""A number a person types reads the Vietnamese way too: "9,5" is 9.5, on a form and in a sheet.

The two readers differ on purpose: a form field is text and its refusal is a message for the
page; a spreadsheet cell may already be a number, and a refused cell is reported by the import."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from friendlygov.assessments.forms import decimal_from_form
from friendlygov.core.spreadsheets import decimal_from_cell


@pytest.mark.parametrize("typed", ["9,5", "9.5", " 9,5 ", "9,50"])
def test_it_reads_a_decimal_comma_or_point_alike(typed):
    assert decimal_from_form(typed) == Decimal("9.5")
    assert decimal_from_cell(typed) == Decimal("9.5")


def test_an_empty_entry_is_no_value():
    assert decimal_from_form("") is None
    assert decimal_from_cell("  ") is None


def test_a_cell_may_hold_a_number_and_a_form_refuses_with_a_message():
    assert decimal_from_cell(9.5) == Decimal("9.5")
    with pytest.raises(ValidationError):
        decimal_from_form("chín")
    with pytest.raises(ValueError):
        decimal_from_cell("chín")
