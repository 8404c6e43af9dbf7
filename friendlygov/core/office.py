"""Word documents in the national administrative style, their PDF through LibreOffice, and the
media type of every file handed out (pages, API and jobs answer with the same name and type).

Shared by the recognition decision (assessments/documents.py) and the printable reports
(reports/report_documents.py). Generic on purpose: no domain model is imported here.
"""

import shutil
import subprocess  # nosec B404  # LibreOffice only, fixed arguments
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.http import HttpResponse
from django.utils.translation import gettext as _
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .text import xml_safe

FONT = "Times New Roman"
BODY_SIZE = Pt(14)
HEADER_SIZE = Pt(13)
SMALL_SIZE = Pt(11)
PDF_TIMEOUT_SECONDS = 120
# LibreOffice's PDF export as PDF/A-2b (archival: fonts embedded, no external content).
PDFA_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"docx": DOCX_TYPE, "xlsx": XLSX_TYPE, "pdf": PDF_TYPE}


def file_response(content: bytes, filename: str, *, inline: bool = False) -> HttpResponse:
    """A made file as a download, its media type read from its name's extension (docx, xlsx, pdf)."""
    content_type = CONTENT_TYPES[filename.rpartition(".")[2]]
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


class PdfUnavailable(Exception):
    """LibreOffice is missing or failed: the .docx still works, the PDF does not."""


# Who wrote a file we make, when its issuer does not sign it (python-docx would say "python-docx").
PRODUCT_AUTHOR = "Chính quyền thân thiện"
LANGUAGE = "vi-VN"


def setup_page(document, *, author: str = PRODUCT_AUTHOR):
    """A4 in the national format, Times New Roman, and the document's language and author: Vietnamese
    (Word and LibreOffice then check spelling in Vietnamese, not underline every word as English)."""
    properties = document.core_properties
    properties.author = properties.last_modified_by = author
    properties.language = LANGUAGE
    properties.comments = ""
    properties.created = properties.modified = datetime.now(UTC).replace(microsecond=0)
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    language = run_defaults.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_defaults.append(language)
    for attribute in ("w:val", "w:eastAsia"):
        language.set(qn(attribute), LANGUAGE)
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    for name in ("Normal", "Table Grid"):
        style = document.styles[name]
        style.font.name = FONT
        style.font.size = BODY_SIZE
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
    normal = document.styles["Normal"].paragraph_format
    normal.space_before = Pt(0)
    normal.space_after = Pt(0)
    normal.line_spacing = 1.0


def add_run(paragraph, text, *, bold=False, italic=False, size=None):
    """Every piece of text in our .docx files goes through here (xml_safe: see core/text.py)."""
    run = paragraph.add_run(xml_safe(text))
    run.bold = bold or None
    run.italic = italic or None
    if size is not None:
        run.font.size = size
    return run


def add_para(container, text, *, bold=False, italic=False, size=None, align=WD_ALIGN_PARAGRAPH.LEFT):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    if text:
        add_run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def add_rule(container, *, width_mm: float, column_mm: float = 165):
    """A short centred horizontal rule: a bottom border on an empty, indented paragraph."""
    paragraph = container.add_paragraph()
    side = Mm(max(column_mm - width_mm, 0) / 2)
    paragraph.paragraph_format.left_indent = side
    paragraph.paragraph_format.right_indent = side
    paragraph.paragraph_format.line_spacing = Pt(4)
    paragraph.paragraph_format.space_before = Pt(1)
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    return paragraph


def repeat_header(row):
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx: bytes, stem: str, *, soffice: str | None, pdfa: bool = False) -> bytes:
    """Convert with LibreOffice in a temporary folder, with a private profile per run so that
    parallel conversions do not fight over one user installation. `soffice` is the program to
    run (callers pass `soffice_path()`); None means it is not installed. `pdfa`: PDF/A-2b."""
    return docx_to_pdfs({stem: docx}, soffice=soffice, pdfa=pdfa)[stem]


def docx_to_pdfs(files: dict[str, bytes], *, soffice: str | None, pdfa: bool = False) -> dict[str, bytes]:
    """Several .docx files (by file stem) converted by one LibreOffice start, as docx_to_pdf."""
    if soffice is None:
        raise PdfUnavailable(_("Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF."))
    with tempfile.TemporaryDirectory(prefix="friendlygov-pdf-") as tmp:
        folder = Path(tmp)
        sources = []
        for stem, docx in files.items():
            sources.append(folder / f"{stem}.docx")
            sources[-1].write_bytes(docx)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            PDFA_FILTER if pdfa else "pdf",
            "--outdir",
            str(folder),
            *map(str, sources),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=PDF_TIMEOUT_SECONDS, check=True)  # noqa: S603  # nosec B603
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(_("Không tạo được bản PDF, hãy thử lại sau.")) from exc
        targets = {stem: folder / f"{stem}.pdf" for stem in files}
        if not all(target.exists() for target in targets.values()):
            raise PdfUnavailable(_("Không tạo được bản PDF, hãy thử lại sau."))
        return {stem: target.read_bytes() for stem, target in targets.items()}
