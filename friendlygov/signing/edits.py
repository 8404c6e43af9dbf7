"""A .docx the officials edited before signing: checked as a file (a Word document by its content,
not its name; small; no macros, no external content for LibreOffice to fetch), checked to still
carry the blank number and date the clerk fills at issuance, and compared with the generated one
paragraph by paragraph (table cells included) so the register records what was changed.

Nothing in the file is executed: python-docx reads its XML, and LibreOffice only converts it
(documents with macros are refused before they reach it).
"""

import io
import re
import zipfile
from difflib import SequenceMatcher

from django.utils.translation import gettext as _
from docx import Document
from docx.oxml.ns import qn

from friendlygov.assessments.documents import BLANK_DATE, NBSP

ZIP_MAGIC = b"PK\x03\x04"
MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024  # a small archive that unpacks to gigabytes is refused
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
MACRO_MARKS = ("vbaProject", "macroEnabled", "vbaData")
# External targets LibreOffice could fetch while converting; links a reader clicks are fine.
EXTERNAL = re.compile(rb'TargetMode="External"')
HYPERLINK = "relationships/hyperlink"
BLANK_NUMBER = re.compile(rf"^Số:[\s{NBSP}]*/")


class EditedDocxRefused(Exception):
    """The uploaded file cannot become the register's content (the reason is in the message)."""


def checked(data: bytes, *, size: int) -> bytes:
    """`data` if it is a Word document (.docx) this module may read; the reason otherwise."""
    if size > MAX_BYTES:
        raise EditedDocxRefused(
            _("Tệp quá lớn: %(size)s MB, tối đa %(limit)s MB.")
            % {"size": round(size / 1048576, 1), "limit": MAX_BYTES // 1048576}
        )
    not_docx = EditedDocxRefused(_("Tệp tải lên không phải văn bản Word (.docx)."))
    if not data.startswith(ZIP_MAGIC):
        raise not_docx
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
        unpacked = sum(info.file_size for info in archive.infolist())
        types = archive.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
        relationships = [archive.read(name) for name in names if name.endswith(".rels")]
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError) as exc:
        raise not_docx from exc
    if unpacked > MAX_UNPACKED:
        raise EditedDocxRefused(_("Tệp quá lớn khi giải nén; hãy lưu lại văn bản và tải lên lại."))
    if WORD_MAIN.encode() not in types:
        raise not_docx
    if any(mark.encode() in types for mark in MACRO_MARKS) or any(
        mark in name for name in names for mark in MACRO_MARKS
    ):
        raise EditedDocxRefused(_("Tệp có macro: hãy lưu thành văn bản Word thường (.docx) rồi tải lên."))
    if any(_fetches_outside(rels) for rels in relationships):
        raise EditedDocxRefused(
            _("Tệp liên kết tới nội dung bên ngoài (ảnh, đối tượng, mẫu): hãy nhúng vào văn bản.")
        )
    try:
        Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a broken part; all mean "not usable"
        raise not_docx from exc
    return data


def _fetches_outside(rels: bytes) -> bool:
    for relationship in re.findall(rb"<Relationship\b[^>]*>", rels):
        if EXTERNAL.search(relationship) and HYPERLINK.encode() not in relationship:
            return True
    return False


def paragraphs(docx: bytes) -> list[str]:
    """The document's text as the reader meets it: each paragraph of the body, and of each table
    cell (a merged cell once), in order; empty lines left out, spaces made single."""
    document = Document(io.BytesIO(docx))
    found: list[str] = []
    _walk(document.element.body, found)
    return found


def _walk(element, found: list[str]):
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            text = " ".join("".join(t.text or "" for t in child.iter(qn("w:t"))).replace(NBSP, " ").split())
            if text:
                found.append(text)
        elif child.tag == qn("w:tbl"):
            # Row by row, cell by cell; a merged cell is one w:tc (its continuations are empty).
            for row in child.iterchildren(qn("w:tr")):
                for cell in row.iterchildren(qn("w:tc")):
                    _walk(cell, found)
        elif child.tag in (qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml")):
            _walk(child, found)


def missing_blanks(docx: bytes) -> list[str]:
    """What the clerk needs and the edited text no longer shows: the blank number ("Số: …/…")
    and the blank date ("…, ngày … tháng … năm …")."""
    document = Document(io.BytesIO(docx))
    texts: list[str] = []
    _walk_raw(document.element.body, texts)
    problems = []
    if not any(BLANK_NUMBER.match(text.strip()) for text in texts):
        problems.append(_("Văn bản không còn dòng “Số: …/…” để trống cho văn thư cấp số khi ban hành."))
    if not any(BLANK_DATE in text for text in texts):
        problems.append(
            _("Văn bản không còn dòng “…, ngày … tháng … năm …” để trống cho văn thư điền ngày ban hành.")
        )
    return problems


def _walk_raw(element, texts: list[str]):
    for paragraph in element.iter(qn("w:p")):
        texts.append("".join(t.text or "" for t in paragraph.iter(qn("w:t"))))


def differences(generated: list[str], edited: list[str]) -> list[dict]:
    """What changed from the generated text to the edited one, as difflib sees it: each change
    with the paragraphs before and after (either may be empty: an insertion or a deletion)."""
    changes = []
    for op, a0, a1, b0, b1 in SequenceMatcher(a=generated, b=edited, autojunk=False).get_opcodes():
        if op != "equal":
            changes.append({"op": op, "before": generated[a0:a1], "after": edited[b0:b1]})
    return changes
