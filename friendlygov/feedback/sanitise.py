"""Comments are stored as plain text with obvious personal data masked: Vietnamese phone numbers
(09x…, 02x…, +84…), 9–12 digit ID/CCCD numbers, e-mail addresses. Pure functions."""

import re

from django.utils.html import strip_tags

MASK = "[***]"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 0 or +84/84, then 8–10 more digits, allowing the spaces, dots and dashes people write between groups.
PHONE = re.compile(r"(?<![\w+])(?:\+\s?84|84|0)(?:[\s.\-]?\d){8,10}(?!\d)")
ID_NUMBER = re.compile(r"(?<!\d)\d(?:[\s.\-]?\d){8,11}(?!\d)")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def mask_personal_data(text: str) -> str:
    for pattern in (EMAIL, PHONE, ID_NUMBER):
        text = pattern.sub(MASK, text)
    return text


def clean_comment(text: str, *, max_length: int) -> str:
    """Markup and control characters removed, whitespace tidied, personal data masked, capped."""
    text = CONTROL.sub("", strip_tags(text or ""))
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\n{3,}", "\n\n", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return mask_personal_data(text)[:max_length].strip()
