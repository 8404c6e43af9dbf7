"""The recognition decision as an editable Word document (and a PDF made from it).

Layout follows the national format for administrative documents (Decree 30/2020/NĐ-CP, annex I):
A4, margins 20/20/30/15 mm, Times New Roman; issuing body top left and the national motto top
right, each with a short rule; number, place and date; title; legal bases in italics; articles;
recipients beside the signature block; the units in an appendix on its own page. Officials edit
and sign the .docx, so the text is the document's own language (Vietnamese) whatever the UI
language.
"""

import io
import re
from decimal import Decimal

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

from friendlygov.core import decree30
from friendlygov.core.i18n import fold
from friendlygov.core.office import (
    SMALL_SIZE,
    add_para,
    add_rule,
    add_run,
    docx_to_pdf,
    repeat_header,
    setup_page,
    soffice_path,
)
from friendlygov.programs.selectors import rules_for

from .decision_text import unit_types_text
from .models import Decision

# Shown where a unit was not recognised by a decision issued before reasons were stored with
# results, and its appraisal holds none either (migration 0006): said, not left blank.
REASONS_NOT_RECORDED = "Lý do chưa ghi trong hồ sơ"


def decision_filename(decision: Decision, extension: str) -> str:
    """The one name of a decision's file (the page, the API and the bundle all use it), unique
    and meaningful in a folder of every district's decisions, whose numbers repeat: kind, number,
    year and issuer, in ASCII (safe in every browser and zip tool). "62/QĐ-UBND" of Nam Sách
    signed in 2025 → "QD-CONG-NHAN-62-QD-UBND-2025-UBND-HUYEN-NAM-SACH.docx"; a draft, which has
    no number yet, takes its record number, and a draft says so: "DU-THAO-QD-CONG-NHAN-7-2025-…"."""
    kind = "QD-THU-HOI" if decision.kind == Decision.Kind.REVOCATION else "QD-CONG-NHAN"
    return _filename(decision, kind, extension)


def _filename(decision: Decision, kind: str, extension: str) -> str:
    number = _ascii(decision.number) or str(decision.pk)  # a draft the clerk has not numbered yet
    if not decision.is_issued:
        kind = f"DU-THAO-{kind}"
    issuer = _ascii(SHORT_COMMITTEE.sub("UBND", decision.printed_frame().issuing_body.upper()))
    return f"{kind}-{number}-{decision.signed_on.year}-{issuer}.{extension}"


SHORT_COMMITTEE = re.compile(r"ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN")


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", fold(text).upper()).strip("-")


NBSP = "\u00a0"


def number_text(decision: Decision) -> str:
    """A draft leaves the số blank for the clerk, as drafts on paper do: "     /QĐ-UBND"."""
    return decision.number or f"{NBSP * 6}/{decision.body.decision_symbol}"


def reasons_text(item) -> str:
    """Why a unit was not recognised, for documents: its stored reasons, or a plain statement
    that none were recorded. Empty for a recognised unit."""
    if item.level:
        return ""
    if item.reasons:
        return "; ".join(item.reasons)
    if item.below_every_band:
        return f"Tổng điểm dưới {score_text(rules_for(item.decision.cycle).lowest_band)} điểm"
    return REASONS_NOT_RECORDED


def level_label(level: int, rules=None) -> str:
    """The level as the document writes it (always in Vietnamese): the program's name for it."""
    if not level:
        return "Không đạt chuẩn"
    names = {band.level: band.name for band in rules.bands} if rules is not None else {}
    return names.get(level) or f"Mức {level}"


def score_text(score: Decimal) -> str:
    """Two decimals with a decimal comma, as Vietnamese documents write numbers: 91,50."""
    return f"{score:.2f}".replace(".", ",")


def date_text(day) -> str:
    """Day below 10 and months January and February take a leading zero (Decree 30, annex I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def short_date(day) -> str:
    return day.strftime("%d/%m/%Y")


def legal_basis_lines(text: str) -> list[str]:
    """One paragraph per non-empty line, each a "Căn cứ …" (unless it is a proposal line), ending
    with ";" except the last, which ends with "."."""
    lines = [line.strip().rstrip(";.,").strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    result = []
    for index, line in enumerate(lines):
        lowered = line.lower()
        if not lowered.startswith(("căn cứ", "theo đề nghị", "xét đề nghị")):
            line = f"Căn cứ {line}"
        result.append(line + ("." if index == len(lines) - 1 else ";"))
    return result


def decision_items(decision):
    return list(decision.items.select_related("assessment__unit").order_by(*_ITEM_ORDER))


def listed_and_apart(decision, items) -> tuple[list, list]:
    """The units a decision names in its list, and those it settles apart: a recognition lists the
    units it recognises; the covered units that did not qualify become "not recognised" without
    being listed in a decision titled "công nhận". A
    decision that recognises none lists them all, as its subject is then their refusal."""
    if decision.kind != Decision.Kind.RECOGNITION or not any(item.level for item in items):
        return items, []
    return [item for item in items if item.level], [item for item in items if not item.level]


# By name as Vietnamese readers expect (tone marks ignored: "Đồng Cẩm" sorts with "D").
_ITEM_ORDER = ("-level", "-final_score", "assessment__unit__search_name", "assessment__unit__name")


BLANK_DATE = "ngày … tháng … năm …"


def decision_docx(decision: Decision, *, for_signature: bool = False) -> bytes:
    """The decision and its appendix as a .docx file. `for_signature`: the text the competent
    person signs (signing/), without the draft mark and with the number and date left blank for
    the clerk, who fills them at issuance (Decree 30); its appendix is then a file of its own
    (`appendix_docx`), made at issuance with the number and date it names."""
    year = decision.cycle.year
    frame = decision.printed_frame()
    items, _apart = listed_and_apart(decision, decision_items(decision))
    document = Document()
    setup_page(document, author=decree30.in_running_text(frame.issuing_body, frame.place))
    decree30.add_page_numbers(document)

    if not decision.is_issued and not for_signature:
        add_para(document, "DỰ THẢO", bold=True, size=SMALL_SIZE, align=WD_ALIGN_PARAGRAPH.LEFT)
        decree30.add_draft_watermark(document)
    number = f"{NBSP * 6}/{decision.body.decision_symbol}" if for_signature else number_text(decision)
    day = BLANK_DATE if for_signature else date_text(decision.signed_on)
    decree30.add_heading(document, frame, number=number, place_and_date=f"{frame.place}, {day}")

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(0)
    add_run(title, "QUYẾT ĐỊNH", bold=True)
    types = unit_types_text(item.assessment.unit.type for item in items)
    subject = add_para(document, _subject(decision, year, types), bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    subject.paragraph_format.space_after = Pt(0)
    add_rule(document, width_mm=45)

    decree30.add_authority_line(document, frame)

    for line in legal_basis_lines(decision.legal_bases):
        _body_para(document, line, italic=True)

    decides = add_para(document, "QUYẾT ĐỊNH:", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    decides.paragraph_format.space_before = Pt(12)
    decides.paragraph_format.space_after = Pt(12)

    for number, text in enumerate(_articles(decision, items, year, types, frame), start=1):
        paragraph = _body_para(document, "")
        add_run(paragraph, f"Điều {number}. ", bold=True)
        add_run(paragraph, text)

    decree30.add_closing(document, frame, _signature(decision), decision.recipients.splitlines())
    if not for_signature:
        _page_break(document)
        _appendix(document, decision, items, year)
    return _saved(document)


def appendix_docx(decision: Decision) -> bytes:
    """The appendix (the list of units) alone, as the attachment of an issued decision that the
    agency signs at the top right of its first page (Decree 30, Appendix I)."""
    frame = decision.printed_frame()
    items, _apart = listed_and_apart(decision, decision_items(decision))
    document = Document()
    setup_page(document, author=decree30.in_running_text(frame.issuing_body, frame.place))
    decree30.add_page_numbers(document)
    _appendix(document, decision, items, decision.cycle.year)
    return _saved(document)


def _saved(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _page_break(document):
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _signature(decision) -> decree30.Signature:
    return decree30.Signature(decision.signing_mode, decision.signer_name, decision.signer_title)


def issuer_in_text(frame: decree30.Frame) -> str:
    """Who decides, as running text: "Ủy ban nhân dân huyện Kim Thành", "Giám đốc Sở Nội vụ"."""
    return decree30.in_running_text(frame.authority_line, frame.place)


def _subject(decision, year, types) -> str:
    program = decision.cycle.program.name
    if decision.kind == Decision.Kind.REVOCATION:
        old = decision.supersedes
        if old is None:
            return f"Về việc thu hồi kết quả công nhận đạt chuẩn “{program}” năm {year}"
        return (
            f"Về việc thu hồi Quyết định số {old.number} ngày {short_date(old.signed_on)} "
            f"về việc công nhận {types} đạt chuẩn “{program}” năm {year}"
        )
    return f"Về việc công nhận {types} đạt chuẩn “{program}” năm {year}"


def _articles(decision, items, year, types, frame) -> list[str]:
    program = decision.cycle.program.name
    if decision.kind == Decision.Kind.REVOCATION:
        old = decision.supersedes
        named = f"Quyết định số {old.number} ngày {short_date(old.signed_on)}" if old else "kết quả công nhận"
        first = (
            f"Thu hồi {named} về việc công nhận {types} đạt chuẩn “{program}” "
            f"năm {year} đối với {len(items)} đơn vị có tên tại Phụ lục kèm theo Quyết định này. "
            "Các đơn vị này được xem xét, quyết định lại theo quy định."
        )
    else:
        recognised = sum(1 for item in items if item.level)
        refused = len(items) - recognised
        if recognised:
            first = (
                f"Công nhận {recognised} {types} đạt chuẩn “{program}” năm {year}, "
                "theo mức đạt tại Phụ lục kèm theo Quyết định này."
            )
        else:
            first = (
                f"Không công nhận đạt chuẩn “{program}” năm {year} đối với {refused} đơn vị "
                "có tên tại Phụ lục kèm theo Quyết định này."
            )
    second = "Quyết định này có hiệu lực kể từ ngày ký."
    if decision.kind == Decision.Kind.RECOGNITION and decision.supersedes is not None:
        old = decision.supersedes
        second += (
            f" Quyết định này thay thế Quyết định số {old.number} ngày {short_date(old.signed_on)} "
            "đối với các đơn vị có tên tại Phụ lục."
        )
    office = "Chánh Văn phòng Sở" if frame.governing_body else "Chánh Văn phòng Ủy ban nhân dân"
    third = (
        f"{office}, Thủ trưởng các cơ quan, đơn vị có liên quan và Chủ tịch Ủy ban nhân dân các "
        f"{types} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này."
    )
    return [first, second, third]


# --- Layout helpers -----------------------------------------------------------------------------


def _body_para(document, text, *, italic=False):
    """A justified body paragraph with a first-line indent, 6 pt apart, line spacing 1.15."""
    paragraph = add_para(document, text, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Mm(12.7)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.line_spacing = 1.15
    return paragraph


def _appendix(document, decision, items, year):
    program = decision.cycle.program.name
    add_para(document, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if decision.kind == Decision.Kind.REVOCATION:
        heading = f"Danh sách đơn vị thu hồi kết quả công nhận đạt chuẩn “{program}” năm {year}"
    else:
        heading = f"Danh sách đơn vị và mức đạt chuẩn “{program}” năm {year}"
    add_para(document, heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    note = add_para(
        document,
        f"(Kèm theo Quyết định số {number_text(decision)} ngày {short_date(decision.signed_on)} "
        f"của {issuer_in_text(decision.printed_frame())})",
        italic=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    note.paragraph_format.space_after = Pt(12)

    headings = ("STT", "Đơn vị", "Mã đơn vị", "Điểm", "Mức đạt")
    widths = (Mm(14), Mm(64), Mm(25), Mm(22), Mm(40))
    table = _grid(document, headings, widths)
    for cell, text, width in zip(table.rows[0].cells, headings, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(3)
        add_run(paragraph, text, bold=True, size=Pt(13))
    for index, item in enumerate(items, start=1):
        unit = item.assessment.unit
        values = (
            str(index),
            unit.name,
            unit.code,
            score_text(item.final_score),
            level_label(item.level, rules_for(item.decision.cycle)),
        )
        aligns = ("center", "left", "center", "right", "center")
        for cell, text, width, align in zip(table.add_row().cells, values, widths, aligns, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = getattr(WD_ALIGN_PARAGRAPH, align.upper())
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
            add_run(paragraph, text, size=Pt(13))
    total = add_para(
        document,
        f"Tổng số: {len(items)} đơn vị.",
        italic=True,
        size=Pt(13),
        align=WD_ALIGN_PARAGRAPH.LEFT,
    )
    total.paragraph_format.space_before = Pt(6)


def _grid(document, headings, widths):
    """A centred grid table of fixed column widths whose first row (the headings) repeats on
    every page."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    repeat_header(table.rows[0])
    return table


# --- The appraisal report that accompanies the decision -------------------------------------------


def report_filename(decision: Decision) -> str:
    """The appraisal report beside its decision: "BC-THAM-DINH-62-QD-UBND-2025-UBND-HUYEN-NAM-SACH.docx"."""
    return _filename(decision, "BC-THAM-DINH", "docx")


def report_symbol(decision) -> str:
    """The report's ký hiệu beside the decision's: "QĐ-UBND" → "BC-UBND"."""
    symbol = decision.body.decision_symbol
    return "BC-" + symbol.split("-", 1)[1] if "-" in symbol else "BC"


def appraisal_report_docx(decision: Decision) -> bytes:
    """Báo cáo kết quả thẩm định: every unit the decision covers with its score and result, and
    for a unit not recognised, the reason (the failed conditions and their figures). It is the
    one place the covered units that did not qualify are listed, as the decision lists only those
    it recognises. Same Decree 30 frame, issuer and signer as the decision it accompanies."""
    year = decision.cycle.year
    frame = decision.printed_frame()
    items = decision_items(decision)
    recognised = [item for item in items if item.level]
    refused = [item for item in items if not item.level]
    types = unit_types_text(item.assessment.unit.type for item in items)
    document = Document()
    setup_page(document, author=decree30.in_running_text(frame.issuing_body, frame.place))
    decree30.add_page_numbers(document)
    if not decision.is_issued:  # it goes with the draft, and is no more final than the draft
        decree30.add_draft_watermark(document)
    decree30.add_heading(
        document,
        frame,
        number=f"{NBSP * 6}/{report_symbol(decision)}",
        place_and_date=f"{frame.place}, {date_text(decision.signed_on)}",
    )
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_before = Pt(18)
    add_run(title, "BÁO CÁO", bold=True)
    subject = (
        f"Kết quả thẩm định {types} đề nghị công nhận đạt chuẩn “{decision.cycle.program.name}” năm {year}"
    )
    add_para(document, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_rule(document, width_mm=45)

    accompanies = "" if decision.is_issued else "dự thảo "
    intro = _body_para(
        document,
        f"{decision.body.name} báo cáo kết quả thẩm định {len(items)} đơn vị, kèm theo {accompanies}"
        f"Quyết định số {number_text(decision)} ngày {short_date(decision.signed_on)}, như sau:",
    )
    intro.paragraph_format.space_before = Pt(12)
    _report_heading(document, "I. KẾT QUẢ THẨM ĐỊNH")
    _body_para(
        document,
        f"Đạt chuẩn: {len(recognised)} đơn vị; không đạt chuẩn: {len(refused)} đơn vị. "
        "Kết quả từng đơn vị và lý do không đạt chuẩn tại bảng sau:",
    )
    _report_table(document, items)
    _report_heading(document, "II. ĐỀ NGHỊ")
    proposal = (
        f"Đề nghị {issuer_in_text(frame)} công nhận {len(recognised)} đơn vị đạt chuẩn theo mức nêu trên"
    )
    if refused:
        proposal += f"; không công nhận {len(refused)} đơn vị vì các lý do nêu tại Mục I"
    _body_para(document, proposal + ".")
    recipients = [f"{issuer_in_text(frame)} (để quyết định)", "Lưu: VT."]
    decree30.add_closing(document, frame, _signature(decision), recipients)
    return _saved(document)


def _report_heading(document, text):
    heading = add_para(document, text, bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    heading.paragraph_format.space_before = Pt(12)
    heading.paragraph_format.space_after = Pt(6)


def _report_table(document, items):
    headings = ("STT", "Đơn vị", "Điểm", "Kết quả", "Lý do không đạt chuẩn")
    widths = (Mm(12), Mm(48), Mm(18), Mm(36), Mm(51))
    table = _grid(document, headings, widths)
    rows = [headings] + [
        (
            str(index),
            f"{item.assessment.unit.name} ({item.assessment.unit.code})",
            score_text(item.final_score),
            level_label(item.level, rules_for(item.decision.cycle)),
            reasons_text(item),
        )
        for index, item in enumerate(items, start=1)
    ]
    for number, values in enumerate(rows):
        cells = table.rows[0].cells if number == 0 else table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if number == 0 else WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
            add_run(paragraph, text, bold=number == 0, size=Pt(12))


def decision_pdf(decision: Decision) -> bytes:
    """The same document converted by LibreOffice (see friendlygov.core.office.docx_to_pdf)."""
    return docx_to_pdf(decision_docx(decision), "quyet-dinh", soffice=soffice_path())
