import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from friendlygov.core.i18n import catalogue_paths


def test_every_english_entry_is_translated_and_none_is_fuzzy():
    assert any("/en/" in str(path) for path in catalogue_paths())
    call_command("check_catalogues")


def test_the_check_names_an_untranslated_entry(tmp_path, settings):
    po_dir = tmp_path / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    (po_dir / "django.po").write_text('msgid ""\nmsgstr ""\n\nmsgid "Đơn vị"\nmsgstr ""\n', encoding="utf-8")
    settings.LOCALE_PATHS = [tmp_path]
    with pytest.raises(CommandError, match="untranslated: 'Đơn vị'"):
        call_command("check_catalogues")


def test_the_interface_speaks_english_when_asked():
    with translation.override("en"):
        assert translation.gettext("Đăng nhập") == "Sign in"
