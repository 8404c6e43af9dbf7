"""Evidence files are checked by what they contain, not by their name or declared type.

Accepted: PDF, JPEG, PNG, and the Office Open XML documents DOCX and XLSX (checked as real ZIP
packages with the parts Word or Excel write, and no macros). Nothing is ever executed or served
inline as HTML; stored names are random.

What evidence may keep on disk is bounded: per assessment and per uploader (withdrawn files count
until they are purged, or uploading and withdrawing would fill the disk), and uploads per person
and hour (counted in the shared cache).
"""

import hashlib
import time
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.utils.translation import gettext as _

from friendlygov.core import counters
from friendlygov.frameworks.describe import num

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
                "size": _mb(uploaded.size),
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


def _mb(size: int) -> str:
    """Megabytes, one decimal at most, as the page writes numbers: "21", "1,5"."""
    return num((Decimal(size) / 1_048_576).quantize(Decimal("0.1")))


def count_upload(person) -> None:
    """Count an upload by `person`; refuse it past EVIDENCE_UPLOADS_PER_HOUR in the hour."""
    limit = settings.EVIDENCE_UPLOADS_PER_HOUR
    if counters.count(f"evidence:uploads:{person.pk}:{int(time.time() // 3600)}", 3600) > limit:
        raise UploadRefused(_("Bạn đã tải lên %(max)s tệp trong giờ này; hãy thử lại sau.") % {"max": limit})


def check_quotas(uploaded, *, assessment_bytes: int, person_bytes: int) -> None:
    """Refuse a file that would take the evidence kept for the assessment, or for its uploader,
    past the quota. The byte counts include withdrawn files not yet purged."""
    facts = {"name": uploaded.name, "size": _mb(uploaded.size)}
    quota = settings.EVIDENCE_ASSESSMENT_QUOTA_BYTES
    if assessment_bytes + uploaded.size > quota:
        raise UploadRefused(
            _(
                "Tệp “%(name)s” (%(size)s MB) vượt hạn mức tài liệu của hồ sơ: đã dùng %(used)s MB "
                "trong %(quota)s MB, kể cả tệp đã gỡ còn được lưu đến hết thời hạn lưu."
            )
            % {**facts, "used": _mb(assessment_bytes), "quota": _mb(quota)}
        )
    quota = settings.EVIDENCE_USER_QUOTA_BYTES
    if person_bytes + uploaded.size > quota:
        raise UploadRefused(
            _(
                "Tệp “%(name)s” (%(size)s MB) vượt hạn mức tải lên của bạn: đã dùng %(used)s MB "
                "trong %(quota)s MB, kể cả tệp đã gỡ còn được lưu đến hết thời hạn lưu."
            )
            % {**facts, "used": _mb(person_bytes), "quota": _mb(quota)}
        )


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


def served_name(original_name: str, content_type: str) -> str:
    """The name a file is downloaded under: the person's own name, with the extension of the type
    its content was found to be (a PDF uploaded as "bao-cao.html" downloads as "bao-cao.pdf")."""
    stem = PurePath(original_name).stem or "tai-lieu"
    return f"{stem}{ACCEPTED.get(content_type, '')}"


# Parts that make an Office document run or fetch something: macros, ActiveX controls, embedded
# objects (OLE packages), and a template attached from elsewhere (Word loads it when opened).
ACTIVE_PART_MARKERS = ("vbaproject.bin", "/activex/", "/embeddings/")
SETTINGS_RELS = "word/_rels/settings.xml.rels"


def _attaches_template(package) -> bool:
    """Whether Word's settings point at a template to load; an oversized part counts as such."""
    if package.getinfo(SETTINGS_RELS).file_size > 100_000:
        return True
    return b"attachedtemplate" in package.read(SETTINGS_RELS).lower()


def _office_type(uploaded) -> str | None:
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as package:
            names = set(package.namelist())
            attached = SETTINGS_RELS in names and _attaches_template(package)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    lowered = {name.lower() for name in names}
    if "[content_types].xml" not in lowered or attached:
        return None
    if any(marker in name for name in lowered for marker in ACTIVE_PART_MARKERS):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None
