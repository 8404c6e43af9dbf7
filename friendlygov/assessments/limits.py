"""How long a person's text may be: the note on a score (explanation, appraisal comment), the
reason for asking an explanation, and the explanation given. Pages and the API check this one limit.

4,000 characters, the limit the pages have always applied: the UI is built for notes of that
size. The columns are TextField (no limit in the database), so nothing stored needs migrating;
a longer text saved earlier through the API stays as it is and is checked only when sent again."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from friendlygov.core.text import xml_safe

TEXT_MAX = 4000


def checked_text(text: str) -> str:
    """The text as it will be stored: without characters no document can hold (core/text.py),
    within the limit."""
    text = xml_safe(text)
    if len(text) > TEXT_MAX:
        raise ValidationError(_("Nội dung quá dài (tối đa %(max)s ký tự).") % {"max": TEXT_MAX})
    return text
