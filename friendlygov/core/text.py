"""Text people type, made fit to store and to write into documents.

XML 1.0 — so every .docx and .xlsx we produce — cannot hold the C0 control characters other than
tab, line feed and carriage return (nor U+FFFE, U+FFFF); python-docx and openpyxl refuse them, and
one such character in a stored note made a whole group's template or a decision answer 500.
Nobody types them on purpose (they arrive by pasting). So: the API refuses them (a program
should know), pages drop them (a person pasting cannot see them), and the document writers drop
them from whatever was stored before.
"""

import re

# NUL included: PostgreSQL text cannot hold it either.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return XML_ILLEGAL.search(text) is not None


def xml_safe(text: str) -> str:
    """`text` without the characters XML cannot hold."""
    return XML_ILLEGAL.sub("", text)
