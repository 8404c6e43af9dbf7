"""Printable reports to hand to a leader: one commune in one cycle, and one cycle as a whole.

Built as .docx with python-docx (A4, Times New Roman, the decision's layout helpers) and turned
into PDF by LibreOffice, as the recognition decision is. A report is a document in Vietnamese
whatever language the reader browses in, so it is built under the Vietnamese translation.
"""

from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm, Pt, RGBColor

from friendlygov.assessments.documents import score_text
from friendlygov.core import decree30
from friendlygov.core.office import (
    PdfUnavailable,
    add_para,
    add_rule,
    add_run,
    docx_to_pdf,
    repeat_header,
    setup_page,
    soffice_path,
)
from friendlygov.frameworks.labels import level_label

from . import explain
from .history import history_of

__all__ = ["PdfUnavailable", "commune_docx", "commune_pdf", "cycle_docx", "cycle_pdf"]

REPORT_SIZE = Pt(13)
TABLE_SIZE = Pt(11)
GREY = RGBColor(0x55, 0x55, 0x55)
PROGRAM = "Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ"


def commune_filename(assessment) -> str:
    return f"bao-cao-{assessment.unit.code}-{assessment.cycle.year}.pdf"


def cycle_filename(year: int) -> str:
    return f"bao-cao-dot-danh-gia-{year}.pdf"


def points(value) -> str:
    return "—" if value is None else score_text(Decimal(value))


def percent(value) -> str:
    return "—" if value is None else f"{score_text(Decimal(value))}%"


# --- One commune --------------------------------------------------------------------------------


def commune_docx(user, assessment) -> bytes:
    with translation.override("vi"):
        x = explain.explain(user, assessment)
        history = history_of(assessment, x)
        document = _new_document()
        unit, cycle = assessment.unit, assessment.cycle
        _title(
            document,
            _("BÁO CÁO KẾT QUẢ ĐÁNH GIÁ"),
            _("“%(program)s” năm %(year)s") % {"program": PROGRAM, "year": cycle.year},
        )
        _centered(document, f"{unit.name} ({_('mã')} {unit.code})", bold=True)
        _centered(document, _("Cơ quan thẩm định: %(body)s") % {"body": assessment.body.name}, italic=True)

        _heading(document, _("1. Kết quả"))
        result = _("Điểm: %(score)s — %(level)s") % {"score": points(x.score), "level": level_label(x.level)}
        if x.provisional:
            result = _("Điểm: %(score)s — Mức dự kiến: %(level)s (%(provisional)s)") % {
                "score": points(x.score),
                "level": level_label(x.level),
                "provisional": x.provisional,
            }
        _line(document, result)
        _line(document, x.layer_label, italic=True)
        if x.layer == "final" and x.assessment.final_reasons:  # as the commune's page says it
            _line(document, _("Không được công nhận vì chưa đạt điều kiện bắt buộc:"))
            for reason in x.assessment.final_reasons:
                _line(document, f"- {reason}")
        for name in x.blocking:
            _line(document, _("Chưa đạt điều kiện: %(name)s") % {"name": name})
        for line in x.criteria:
            if line.below_gate:
                _line(
                    document,
                    _("Tiêu chí %(code)s mới đạt %(percent)s số điểm tối đa.")
                    % {"code": line.code, "percent": percent(line.shown_percent)},
                )
        if not x.complete:
            _line(
                document,
                _("Mới chấm %(done)s/%(total)s chỉ tiêu; chỉ tiêu chưa chấm được tính 0 điểm.")
                % {"done": x.scored, "total": x.to_score},
                italic=True,
            )
        if x.totals.province is not None:
            _line(
                document,
                _(
                    "Điểm trung bình: nhóm cùng cơ quan thẩm định %(group)s; "
                    "toàn tỉnh %(province)s (%(count)s đơn vị)."
                )
                % {
                    "group": points(x.totals.group),
                    "province": points(x.totals.province),
                    "count": x.totals.province_units,
                },
            )

        _heading(document, _("2. Kết quả theo tiêu chí (tỷ lệ điểm đạt trên điểm tối đa)"))
        _table(
            document,
            (_("Tiêu chí"), _("Điểm"), _("Tỷ lệ điểm"), _("TB nhóm"), _("TB toàn tỉnh")),
            [
                (
                    f"{c.code}. {c.name}" + (" — " + _("dưới 50%") if c.below_gate else ""),
                    f"{points(c.shown_points)}/{points(c.shown_max)}",
                    percent(c.shown_percent),
                    percent(c.group_average),
                    percent(c.province_average),
                )
                for c in x.criteria
            ],
            widths=(78, 24, 20, 20, 23),
            aligns="lrrrr",
        )

        _heading(document, _("3. Điểm bị mất theo chỉ tiêu"))
        if x.lost:
            _table(
                document,
                (_("Mã"), _("Chỉ tiêu"), _("Đạt/Tối đa"), _("Bị mất")),
                [
                    (
                        item.code,
                        item.name,
                        f"{points(item.earned)}/{points(item.max_points)}",
                        points(item.lost),
                    )
                    for item in x.lost
                ],
                widths=(18, 102, 25, 20),
                aligns="llrr",
            )
        else:
            _line(document, _("Không bị mất điểm ở chỉ tiêu nào."))

        _heading(document, _("4. Để đạt mức tiếp theo"))
        for text in _lift_lines(x):
            _line(document, text)

        _heading(document, _("5. Kết quả qua các năm"))
        for formation in history.formed_from:
            _line(
                document,
                _("Từ ngày %(date)s, %(unit)s được hình thành từ: %(names)s.")
                % {
                    "date": formation.event.effective_date.strftime("%d/%m/%Y"),
                    "unit": unit.name,
                    "names": formation.names,
                },
                italic=True,
            )
        rows = [
            (str(entry.year), _history_unit(entry, unit), points(entry.score), _history_level(entry))
            for year in history.years
            for entry in year.entries
        ]
        _table(
            document,
            (_("Năm"), _("Đơn vị"), _("Điểm"), _("Mức")),
            rows,
            widths=(16, 92, 22, 35),
            aligns="llrl",
        )
        _footer(document)
        return _save(document)


def commune_pdf(user, assessment) -> bytes:
    return docx_to_pdf(commune_docx(user, assessment), "bao-cao-xa", soffice=soffice_path())


def _lift_lines(x) -> list[str]:
    """The page's advice, word for word (explain.lift_advice), its steps as bullets."""
    return [
        line
        for advice in x.advice
        for line in (advice.text, *(f"• {step.code}. {step.name}: {step.words}" for step in advice.steps))
    ]


def _history_unit(entry, unit) -> str:
    text = entry.unit.name
    notes = []
    if entry.relation == "predecessor":
        notes.append(_("đơn vị trước"))
    if entry.via is not None:
        notes.append(_("qua %(unit)s") % {"unit": entry.via.name})
    if entry.divided:
        notes.append(_("đã chia tách"))
    if entry.partial:
        notes.append(_("một phần"))
    if entry.imported_decision:
        notes.append(_("nhập từ tệp, QĐ số %(number)s") % {"number": entry.imported_decision})
    return f"{text} ({'; '.join(notes)})" if notes else text


def _history_level(entry) -> str:
    if entry.level is None:
        return str(entry.status_label)
    return str(level_label(entry.level))


# --- One cycle ----------------------------------------------------------------------------------


def cycle_docx(summary) -> bytes:
    with translation.override("vi"):
        document = _new_document()
        _title(
            document,
            _("BÁO CÁO KẾT QUẢ ĐỢT ĐÁNH GIÁ NĂM %(year)s") % {"year": summary.year},
            _("“%(program)s”") % {"program": PROGRAM},
        )
        _centered(document, summary.name, italic=True)
        if not summary.whole_cycle:
            _centered(
                document,
                _("Phạm vi: %(count)s trong %(total)s đơn vị của đợt (theo quyền xem của người in).")
                % {"count": summary.units_total, "total": summary.cycle_total},
                italic=True,
            )

        _heading(document, _("1. Phân bố theo mức"))
        total = summary.units_total
        rows = [
            (
                str(level_label(level)),
                str(summary.by_level[level]),
                percent(_share(summary.by_level[level], total)),
            )
            for level in (4, 3, 2, 1, 0)
        ]
        if summary.undecided:
            rows.append(
                (_("Chưa có quyết định"), str(summary.undecided), percent(_share(summary.undecided, total)))
            )
        rows.append((_("Tổng số"), str(total), percent(_share(total, total))))
        _table(
            document, (_("Mức"), _("Số đơn vị"), _("Tỷ lệ đơn vị")), rows, widths=(80, 40, 40), aligns="lrr"
        )

        _heading(document, _("2. Mục tiêu năm %(year)s") % {"year": summary.year})
        if summary.targets:
            _table(
                document,
                (_("Mục tiêu"), _("Yêu cầu"), _("Thực tế"), _("Kết quả")),
                [
                    (
                        t.rule.describe(),
                        _("%(units)s đơn vị") % {"units": t.required_units},
                        _("%(units)s đơn vị (%(percent)s)")
                        % {"units": t.actual_units, "percent": percent(t.actual_percent)},
                        _("Đạt") if t.met else _("Còn thiếu %(gap)s đơn vị") % {"gap": t.gap_units},
                    )
                    for t in summary.targets
                ],
                widths=(65, 30, 35, 35),
                aligns="lrrl",
            )
        else:
            _line(document, _("Năm này chưa có chỉ tiêu."))

        _heading(document, _("3. Danh sách đơn vị"))
        _table(
            document,
            (_("STT"), _("Đơn vị"), _("Mã"), _("Điểm"), _("Mức / trạng thái")),
            [
                (
                    str(index),
                    row.unit.name,
                    row.unit.code,
                    points(row.score),
                    str(level_label(row.level)) if row.decided else str(row.status_label),
                )
                for index, row in enumerate(summary.rows, start=1)
            ],
            widths=(13, 62, 20, 22, 48),
            aligns="clcrl",
        )
        _line(
            document,
            _("Điểm của đơn vị chưa có quyết định là điểm thẩm định đã duyệt, nếu có."),
            italic=True,
            size=Pt(11),
        )
        _footer(document)
        return _save(document)


def cycle_pdf(summary) -> bytes:
    return docx_to_pdf(cycle_docx(summary), "bao-cao-dot", soffice=soffice_path())


def _share(part, whole):
    return Decimal(part) * 100 / whole if whole else None


# --- Layout -------------------------------------------------------------------------------------


def _new_document():
    document = Document()
    setup_page(document)
    decree30.add_page_numbers(document)  # the same frame as the decision: numbered from page 2
    document.styles["Normal"].font.size = REPORT_SIZE
    document.styles["Table Grid"].font.size = TABLE_SIZE
    return document


def _title(document, title, subtitle):
    add_para(document, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_para(document, subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_rule(document, width_mm=45)


def _centered(document, text, *, bold=False, italic=False):
    paragraph = add_para(document, text, bold=bold, italic=italic, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_before = Pt(4)
    return paragraph


def _heading(document, text):
    paragraph = add_para(document, text, bold=True)
    paragraph.paragraph_format.space_before = Pt(12)
    paragraph.paragraph_format.space_after = Pt(4)
    paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _line(document, text, *, italic=False, size=None):
    paragraph = add_para(document, text, italic=italic, size=size, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.space_after = Pt(3)
    return paragraph


ALIGNS = {"l": WD_ALIGN_PARAGRAPH.LEFT, "r": WD_ALIGN_PARAGRAPH.RIGHT, "c": WD_ALIGN_PARAGRAPH.CENTER}


def _table(document, headings, rows, *, widths, aligns):
    """A grid with a repeated bold header row; `widths` in millimetres, `aligns` one letter a column."""
    table = document.add_table(rows=1, cols=len(headings))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = [Mm(w) for w in widths]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    repeat_header(table.rows[0])
    for cell, text, width in zip(table.rows[0].cells, headings, widths, strict=True):
        _cell(cell, text, width, WD_ALIGN_PARAGRAPH.CENTER, bold=True)
    for values in rows:
        for cell, text, width, align in zip(table.add_row().cells, values, widths, aligns, strict=True):
            _cell(cell, text, width, ALIGNS[align])
    return table


def _cell(cell, text, width, align, *, bold=False):
    cell.width = width
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    add_run(paragraph, str(text), bold=bold, size=TABLE_SIZE)


def _footer(document):
    paragraph = add_para(
        document,
        _("Báo cáo in ngày %(date)s từ hệ thống Chính quyền thân thiện.")
        % {"date": timezone.localdate().strftime("%d/%m/%Y")},
        italic=True,
        size=Pt(10),
    )
    paragraph.paragraph_format.space_before = Pt(12)
    for run in paragraph.runs:
        run.font.color.rgb = GREY


def _save(document) -> bytes:
    import io

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --- PDF ----------------------------------------------------------------------------------------
