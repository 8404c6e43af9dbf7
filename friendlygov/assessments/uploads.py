"""Evidence files are checked by what they contain, not by their name or declared type.

Accepted: PDF, JPEG, PNG, and the Office Open XML documents DOCX and XLSX (checked as real ZIP
packages with the parts Word or Excel write, and no macros). Nothing is ever executed or served
inline as HTML; stored names are random.
"""

import hashlib
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACCEPTED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    DOCX: ".docx",
    XLSX: ".xlsx",
}


class UploadRefused(ValueError):
    """The file is not accepted; the message says why, in the user's language."""


@dataclass(frozen=True)
class CheckedFile:
    content_type: str
    suffix: str
    size: int
    sha256: str


def check_upload(uploaded) -> CheckedFile:
    limit = settings.EVIDENCE_MAX_BYTES
    if uploaded.size > limit:
        raise UploadRefused(
            _("Tệp “%(name)s” quá lớn (%(size)s MB); tối đa %(limit)s MB.")
            % {
                "name": uploaded.name,
                "size": round(uploaded.size / 1_048_576, 1),
                "limit": limit // 1_048_576,
            }
        )
    if uploaded.size == 0:
        raise UploadRefused(_("Tệp “%(name)s” rỗng.") % {"name": uploaded.name})
    uploaded.seek(0)
    head = uploaded.read(8)
    content_type = _sniff(head, uploaded)
    if content_type is None:
        raise UploadRefused(
            _("Tệp “%(name)s” không phải PDF, JPEG, PNG, DOCX hoặc XLSX (kiểm tra theo nội dung tệp).")
            % {"name": uploaded.name}
        )
    digest = hashlib.sha256()
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        digest.update(chunk)
    uploaded.seek(0)
    return CheckedFile(content_type, ACCEPTED[content_type], uploaded.size, digest.hexdigest())


def _sniff(head: bytes, uploaded) -> str | None:
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"PK\x03\x04"):
        return _office_type(uploaded)
    return None


def _office_type(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" not in names or any(name.endswith("vbaProject.bin") for name in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
