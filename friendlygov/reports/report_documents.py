"""Printable reports to hand to a leader: one commune in one cycle, and one cycle as a whole.

Built as .docx with python-docx (A4, Times New Roman, the decision's layout helpers) and turned
into PDF by LibreOffice, as the recognition decision is. A report is a document in Vietnamese
whatever language the reader browses in, so it is built under the Vietnamese translation.
"""

import re
from decimal import Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt, RGBColor

from friendlygov.assessments.documents import NBSP, date_text, score_text
from friendlygov.core import decree30
from friendlygov.core.i18n import fold
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
from .cycle_report import reporting_issuer
from .history import history_of

__all__ = ["PdfUnavailable", "commune_docx", "commune_pdf", "cycle_docx", "cycle_pdf"]

REPORT_SIZE = Pt(13)
TABLE_SIZE = Pt(11)
GREY = RGBColor(0x55, 0x55, 0x55)
PROGRAM = "Chính quyền cấp xã thân thiện, vì Nhân dân phục vụ"


def commune_filename(assessment, extension="pdf") -> str:
    return f"bao-cao-{assessment.unit.code}-{assessment.cycle.year}.{extension}"


def cycle_filename(year: int, extension="pdf") -> str:
    return f"bao-cao-dot-danh-gia-{year}.{extension}"


def points(value) -> str:
    return "—" if value is None else score_text(Decimal(value))


def percent(value) -> str:
    return "—" if value is None else f"{score_text(Decimal(value))}%"


# --- One commune --------------------------------------------------------------------------------


def commune_docx(user, assessment) -> bytes:
    with translation.override("vi"):
        x = explain.explain(user, assessment)
        history = history_of(assessment, x)
        unit, cycle = assessment.unit, assessment.cycle
        issuer = reporting_issuer([assessment.body])
        document = _framed(
            issuer,
            subject=f"Kết quả đánh giá {unit.name} (mã {unit.code}) — “{cycle.program}” năm {cycle.year}",
        )
        if x.provisional:
            _centered(document, f"Kết quả {x.provisional}", italic=True)
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
        decree30.add_closing(
            document,
            issuer.frame,
            decree30.Signature(issuer.signing_mode, "", issuer.signer_title),
            [f"Ủy ban nhân dân {unit.name}", "Lưu: VT."],
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


def cycle_docx(summary, previous=None) -> bytes:
    """Báo cáo kết quả đánh giá of a cycle, in the administrative format (Decree 30 frame), to send
    upward: narrative sections written from the data (results, targets and their gaps, by former
    district, the units not recognised and why, what held units back, the trend against
    `previous`, the cycle_overview of the year before), recommendations left for the author, and
    the list of units in an appendix. A document in Vietnamese, whatever the reader's language."""
    with translation.override("vi"):
        issuer = summary.issuer
        program = f"“{summary.program or PROGRAM}” năm {summary.year}"
        document = _framed(issuer, subject=f"Kết quả đánh giá, công nhận đạt chuẩn {program}")
        decided = [row for row in summary.rows if row.decided]
        recognised = [row for row in decided if row.level]
        refused = [row for row in decided if not row.level]
        total = summary.units_total
        scope = (
            ""
            if summary.whole_cycle
            else (f" (trong phạm vi được xem: {total} trong {summary.cycle_total} đơn vị của đợt)")
        )
        _body(
            document,
            f"{decree30.in_running_text(issuer.frame.authority_line, issuer.frame.place)} báo cáo kết quả "
            f"đánh giá, công nhận đạt chuẩn {program}{scope} như sau:",
        )

        _section(document, "I. KẾT QUẢ CHUNG")
        levels = "; ".join(f"Mức {level}: {summary.by_level[level]}" for level in (4, 3, 2, 1))
        text = (
            f"Năm {summary.year} có {total} đơn vị cấp xã được đánh giá; {len(recognised)} đơn vị được "
            f"công nhận đạt chuẩn ({percent(_share(len(recognised), total))}), gồm {levels}; "
            f"{len(refused)} đơn vị không đạt chuẩn"
        )
        text += f"; {summary.undecided} đơn vị chưa có quyết định công nhận." if summary.undecided else "."
        _body(document, text)
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
                ("Chưa có quyết định", str(summary.undecided), percent(_share(summary.undecided, total)))
            )
        rows.append(("Tổng số", str(total), percent(_share(total, total))))
        _table(document, ("Mức", "Số đơn vị", "Tỷ lệ đơn vị"), rows, widths=(80, 40, 40), aligns="lrr")

        _section(document, "II. KẾT QUẢ SO VỚI MỤC TIÊU")
        if not summary.targets:
            _body(document, f"Năm {summary.year} chưa đặt mục tiêu.")
        for t in summary.targets:
            outcome = "đạt mục tiêu" if t.met else f"còn thiếu {t.gap_units} đơn vị so với mục tiêu"
            _body(
                document,
                f"- {t.rule.describe()}: cần {t.required_units} đơn vị; thực hiện {t.actual_units} đơn vị "
                f"({percent(t.actual_percent)}), {outcome}.",
            )

        _section(document, "III. KẾT QUẢ THEO ĐƠN VỊ HÀNH CHÍNH CẤP HUYỆN")
        groups = _by_district(summary.rows)
        _table(
            document,
            ("Đơn vị cấp huyện (trước sắp xếp)", "Số đơn vị", "Đạt chuẩn", "Tỷ lệ", "Từ Mức 2"),
            [
                (
                    name,
                    str(len(rows)),
                    str(sum(1 for r in rows if r.level)),
                    percent(_share(sum(1 for r in rows if r.level), len(rows))),
                    str(sum(1 for r in rows if (r.level or 0) >= 2)),
                )
                for name, rows in groups
            ],
            widths=(65, 25, 25, 25, 25),
            aligns="lrrrr",
        )

        _section(document, "IV. CÁC ĐƠN VỊ KHÔNG ĐƯỢC CÔNG NHẬN VÀ LÝ DO")
        if not refused:
            _body(document, "Không có đơn vị nào không được công nhận.")
        for row in refused:
            where = f" ({row.district})" if row.district else ""
            reason = "; ".join(row.reasons) or f"tổng điểm {points(row.score)}, dưới mức đạt chuẩn"
            _body(document, f"- {row.unit.name}{where}: {reason}.")

        _section(document, "V. NHỮNG NỘI DUNG CÒN HẠN CHẾ")
        for line in _held_back(refused, summary):
            _body(document, line)

        _section(document, "VI. SO VỚI NĂM TRƯỚC")
        _body(document, _trend(summary, previous, len(recognised)))

        _section(document, "VII. KIẾN NGHỊ, ĐỀ XUẤT")
        _body(document, "[Cơ quan báo cáo bổ sung kiến nghị, đề xuất trước khi ký ban hành.]", italic=True)

        decree30.add_closing(
            document,
            issuer.frame,
            decree30.Signature(issuer.signing_mode, "", issuer.signer_title),
            [
                "Bộ Nội vụ (để báo cáo)",
                "Thường trực cấp ủy cùng cấp (để báo cáo)",
                "Các cơ quan thẩm định",
                "Lưu: VT.",
            ],
        )
        _appendix(document, summary)
        return _save(document)


def _framed(issuer, *, subject):
    """A new report with the Decree 30 heading (issuer, motto, number left blank, place and date),
    the title BÁO CÁO and its subject."""
    document = _new_document(author=decree30.in_running_text(issuer.frame.issuing_body, issuer.frame.place))
    decree30.add_heading(
        document,
        issuer.frame,
        number=f"{NBSP * 6}/{issuer.symbol}",
        place_and_date=f"{issuer.frame.place}, {date_text(timezone.localdate())}",
    )
    title = add_para(document, "BÁO CÁO", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.space_before = Pt(18)
    add_para(document, subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_rule(document, width_mm=45)
    return document


def _by_district(rows):
    groups = {}
    for row in rows:
        groups.setdefault(row.district or row.body_name, []).append(row)
    return sorted(groups.items(), key=lambda item: fold(item[0]))


def _held_back(refused, summary) -> list[str]:
    """What kept units from recognition: each failed condition and how many units it stopped."""
    counts = {}
    for row in refused:
        for reason in row.reasons:
            condition = re.sub(r"\s+đạt\s.*$|\s+\d.*$", "", reason).strip() or reason
            counts[condition] = counts.get(condition, 0) + 1
    below = sum(1 for row in refused if not row.reasons)
    lines = [
        f"- {condition}: {count} đơn vị." for condition, count in sorted(counts.items(), key=lambda i: -i[1])
    ]
    if below:
        lines.append(f"- Tổng điểm chưa đạt mức đạt chuẩn: {below} đơn vị.")
    if summary.undecided:
        lines.append(f"- Chưa có quyết định công nhận: {summary.undecided} đơn vị.")
    return lines or ["- Không có đơn vị nào bị vướng điều kiện hay thiếu điểm."]


def _trend(summary, previous, recognised) -> str:
    share_now = _share(recognised, summary.units_total)
    now = f"năm {summary.year}: {recognised}/{summary.units_total} đơn vị đạt chuẩn ({percent(share_now)})"
    if previous is None:
        return f"Chưa có kết quả năm {summary.year - 1} để so sánh; {now}."
    before = sum(previous.by_level[level] for level in (1, 2, 3, 4))
    share_before = _share(before, previous.units_total)
    change = (share_now or 0) - (share_before or 0)
    direction = "tăng" if change > 0 else "giảm" if change < 0 else "không đổi"
    return (
        f"Năm {previous.year}: {before}/{previous.units_total} đơn vị đạt chuẩn ({percent(share_before)}); "
        f"{now}; tỷ lệ đạt chuẩn {direction} {score_text(abs(change))} điểm phần trăm. Số đơn vị hai năm có "
        "thể khác nhau do sắp xếp đơn vị hành chính."
    )


def _appendix(document, summary):
    breaker = document.add_paragraph()
    breaker.add_run().add_break(WD_BREAK.PAGE)
    add_para(document, "PHỤ LỤC", bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    add_para(
        document,
        f"Kết quả đánh giá các đơn vị năm {summary.year}",
        bold=True,
        align=WD_ALIGN_PARAGRAPH.CENTER,
    )
    _table(
        document,
        ("STT", "Đơn vị", "Mã", "Cấp huyện (trước sắp xếp)", "Điểm", "Mức / trạng thái"),
        [
            (
                str(index),
                row.unit.name,
                row.unit.code,
                row.district or row.body_name,
                points(row.score),
                str(level_label(row.level)) if row.decided else str(row.status_label),
            )
            for index, row in enumerate(summary.rows, start=1)
        ],
        widths=(11, 44, 16, 40, 17, 37),
        aligns="clclrl",
    )
    _line(
        document,
        "Điểm của đơn vị chưa có quyết định là điểm thẩm định đã duyệt, nếu có.",
        italic=True,
        size=Pt(11),
    )


def _section(document, text):
    return _heading(document, text)


def _body(document, text, *, italic=False):
    paragraph = add_para(document, text, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Mm(10)
    paragraph.paragraph_format.space_after = Pt(4)
    return paragraph


def cycle_pdf(summary, previous=None) -> bytes:
    return docx_to_pdf(cycle_docx(summary, previous), "bao-cao-dot", soffice=soffice_path())


def _share(part, whole):
    return Decimal(part) * 100 / whole if whole else None


# --- Layout -------------------------------------------------------------------------------------


def _new_document(author=None):
    document = Document()
    setup_page(document, **({"author": author} if author else {}))
    decree30.add_page_numbers(document)  # the same frame as the decision: numbered from page 2
    document.styles["Normal"].font.size = REPORT_SIZE
    document.styles["Table Grid"].font.size = TABLE_SIZE
    return document


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
