"""The survey reads and export as they were before they were paged and streamed (every line built,
normal openpyxl), kept only as the reference the new ones must equal (test_streamed_export)."""

from collections import defaultdict

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from friendlygov.core.spreadsheets import fit_widths, grid, print_setup, workbook_bytes
from friendlygov.feedback.definition import SATISFIED_MIN
from friendlygov.feedback.models import Channel, SampleFrame, SurveyAnswer, SurveyResponse
from friendlygov.feedback.selectors import (
    SATISFIED,
    CycleLine,
    CycleSurvey,
    current_form,
    program_name,
    question_for,
    survey_indicators,
    survey_points,
)
from friendlygov.feedback.stats import Rate

HEADER_FONT = Font(bold=True)
PERCENT = "0.00"


def cycle_survey(cycle, scope) -> CycleSurvey:
    """Rates of every assessment of `cycle` in `scope`, in a constant number of queries."""
    assessments = list(scope.filter(cycle=cycle).select_related("unit").order_by("unit__code"))
    ids = [a.pk for a in assessments]
    counts = defaultdict(lambda: {"n": 0, "satisfied": 0, "channels": {}})
    for row in (
        SurveyResponse.objects.filter(assessment_id__in=ids)
        .values("assessment_id", "channel")
        .annotate(n=Count("id"), satisfied=Count("id", filter=SATISFIED))
    ):
        entry = counts[row["assessment_id"]]
        entry["n"] += row["n"]
        entry["satisfied"] += row["satisfied"]
        entry["channels"][row["channel"]] = row["n"]
    aspect = defaultdict(dict)
    for row in (
        SurveyAnswer.objects.filter(response__assessment_id__in=ids)
        .values("response__assessment_id", "question")
        .annotate(n=Count("id"), satisfied=Count("id", filter=Q(value__gte=SATISFIED_MIN)))
    ):
        aspect[row["response__assessment_id"]][row["question"]] = (row["n"], row["satisfied"])
    populations = dict(
        SampleFrame.objects.filter(assessment_id__in=ids).values_list("assessment_id", "population")
    )
    form = current_form(program_name(cycle))
    definition = form.parsed() if form else None
    indicators = survey_indicators(cycle.framework) if definition else []
    lines = []
    for assessment in assessments:
        entry = counts[assessment.pk]
        population = populations.get(assessment.pk)
        overall = Rate(entry["n"], entry["satisfied"], population)
        points = []
        for indicator in indicators:
            question = question_for(indicator, definition)
            if question.overall:
                rate = overall
            else:
                rate = Rate(*aspect[assessment.pk].get(question.code, (0, 0)), population)
            points.append(survey_points(indicator, rate))
        lines.append(CycleLine(assessment, overall, entry["channels"], tuple(points)))
    return CycleSurvey(indicators=indicators, lines=lines)


def export_cycle_survey(cycle, survey) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Khảo sát hài lòng")
    headers = [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        *[_("Phiếu: %(channel)s") % {"channel": label} for _value, label in Channel.choices],
        _("Tổng số phiếu"),
        _("Số phiếu hài lòng"),
        _("Tỷ lệ hài lòng (%)"),
        _("Sai số 95% (± điểm %)"),
        _("Quy mô tổng thể N"),
        _("Cỡ mẫu khuyến nghị"),
        _("Mẫu quá nhỏ"),
        *[_("Điểm theo khảo sát %(code)s") % {"code": indicator.code} for indicator in survey.indicators],
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = HEADER_FONT
    for line in survey.lines:
        rate = line.overall
        sheet.append(
            [
                line.assessment.unit.code,
                line.assessment.unit.name,
                *[line.by_channel.get(value, 0) for value, _label in Channel.choices],
                rate.responses,
                rate.satisfied,
                rate.percent,
                rate.margin_of_error,
                rate.population,
                rate.recommended,
                _("Có") if rate.too_small else _("Không"),
                *line.points,
            ]
        )
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if cell.column > 2 and not isinstance(cell.value, int | str | type(None)):
                cell.number_format = PERCENT
    sheet.freeze_panes = "C2"
    fit_widths(sheet)
    sheet.row_dimensions[1].height = 45
    grid(sheet)
    print_setup(sheet, "1:1", heading=f"{cycle.name} — {sheet.title}")
    note = book.create_sheet(_("Ghi chú"))
    note.append(
        [
            _("“Hài lòng” là trả lời mức %(min)s hoặc 5 trên thang 5 mức ở câu hỏi chung.")
            % {"min": SATISFIED_MIN}
        ]
    )
    note.append([_("Cỡ mẫu khuyến nghị n = N / (1 + N·e²), e = 5%; sai số ở độ tin cậy 95%.")])
    note.append([_("Đơn vị chưa đến hạn công bố kết quả cho người đọc này không có trong bảng.")])
    note.column_dimensions["A"].width = 100
    print_setup(note, None, heading=f"{cycle.name} — {note.title}")
    return workbook_bytes(book)
