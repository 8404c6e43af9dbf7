"""A test that needs an optional tool skips, with the reason, where the tool is missing, and
fails only where the environment says the tool is required (as CI does)."""

import pytest

from friendlygov.core import office, testing


@pytest.fixture
def writer_only(monkeypatch, tmp_path):
    """LibreOffice Writer installed, Calc not: soffice is there, its Calc library is not."""
    soffice = tmp_path / "program" / "soffice"
    soffice.parent.mkdir()
    soffice.touch()
    monkeypatch.setattr(office, "soffice_path", lambda: str(soffice))
    monkeypatch.setattr(testing, "CALC_LIBRARIES", [str(tmp_path / "missing" / "libsclo.so")])
    for variable in testing.OFFICE_REQUIRED_BY:
        monkeypatch.delenv(variable, raising=False)
    return soffice


def test_a_spreadsheet_test_skips_where_only_writer_is_installed(writer_only):
    assert testing.needs_libreoffice() == str(writer_only)
    with pytest.raises(pytest.skip.Exception, match="LibreOffice Calc is missing: apt-get install"):
        testing.needs_libreoffice_calc()


def test_it_finds_calc_beside_soffice(writer_only):
    (writer_only.parent / "libsclo.so").touch()
    assert testing.needs_libreoffice_calc() == str(writer_only)


def test_a_missing_tool_fails_where_ci_requires_it(writer_only, monkeypatch):
    monkeypatch.setenv("FRIENDLYGOV_REQUIRE_OFFICE", "1")
    with pytest.raises(
        pytest.fail.Exception, match=r"LibreOffice Calc is required \(FRIENDLYGOV_REQUIRE_OFFICE=1\)"
    ):
        testing.needs_libreoffice_calc()


def test_without_soffice_a_pdf_test_skips(monkeypatch):
    monkeypatch.setattr(office, "soffice_path", lambda: None)
    for variable in testing.OFFICE_REQUIRED_BY:
        monkeypatch.delenv(variable, raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"LibreOffice \(soffice\) is missing"):
        testing.needs_libreoffice()
