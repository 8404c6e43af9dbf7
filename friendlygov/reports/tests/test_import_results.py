"""Importing a past cycle's decided results: levels by the rules, every problem named, nothing
imported unless every row is right, and the same file twice changes nothing."""

from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from friendlygov.audit.models import AuditEvent
from friendlygov.reports.models import ImportedResult
from friendlygov.units.models import UnitVersion

pytestmark = pytest.mark.django_db
HEADERS = ["Mã đơn vị", "Điểm cuối cùng", "Số quyết định", "Ngày quyết định", "Mức"]


@pytest.fixture
def communes(reference_data):
    """Three Hải Dương communes valid on 31/12/2024, and one retired on 1/1/2025."""
    day = date(2024, 12, 31)
    valid = list(UnitVersion.objects.valid_on(day).filter(province_code="30", level=3).order_by("code")[:3])
    retired = (
        UnitVersion.objects.filter(province_code="30", level=3, valid_to__lt=date(2025, 12, 31))
        .exclude(code__in=UnitVersion.objects.valid_on(date(2025, 12, 31)).values("code"))
        .order_by("code")
        .first()
    )
    return valid, retired


def xlsx(rows, headers=HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả 2024"
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def good_rows(units):
    return [
        [units[0].code, 96.5, "12/QĐ-UBND", date(2025, 1, 10), 4],
        [units[1].code, 84.99, "12/QĐ-UBND", date(2025, 1, 10), "Mức 1"],
        [units[2].code, 79, "12/QĐ-UBND", "10/01/2025", None],
    ]


def run(path, year=2024):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_results", str(path), cycle=year, stdout=out, stderr=err)
    except CommandError as error:
        return False, err.getvalue() + str(error)
    return True, out.getvalue()


def test_it_imports_a_good_file_with_levels_computed_by_the_rules(communes, tmp_path):
    units, _ = communes
    path = tmp_path / "ket-qua-2024.xlsx"
    path.write_bytes(xlsx(good_rows(units)))
    ok, output = run(path)
    assert ok, output
    stored = {r.unit_id: r for r in ImportedResult.objects.filter(year=2024)}
    assert [(stored[u.pk].final_score, stored[u.pk].level) for u in units] == [
        (Decimal("96.50"), 4),
        (Decimal("84.99"), 1),
        (Decimal("79.00"), 0),
    ]
    assert stored[units[2].pk].decision_date == date(2025, 1, 10)
    assert stored[units[0].pk].source_name == "ket-qua-2024.xlsx"
    assert AuditEvent.objects.filter(event_type="results.imported").count() == 1


def test_importing_the_same_file_twice_does_not_duplicate(communes, tmp_path):
    units, _ = communes
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(xlsx(good_rows(units)))
    assert run(path)[0]
    ok, output = run(path)
    assert ok and "0 saved, 3 unchanged" in output
    assert ImportedResult.objects.count() == 3


def test_a_level_that_disagrees_with_the_score_imports_nothing(communes, tmp_path):
    units, _ = communes
    rows = good_rows(units)
    rows[1][4] = 2  # 84.99 is level 1
    path = tmp_path / "sai-muc.xlsx"
    path.write_bytes(xlsx(rows))
    ok, output = run(path)
    assert not ok
    assert "Trang “Kết quả 2024”, dòng 3, cột E" in output and "Mức 2" in output and "Mức 1" in output
    assert not ImportedResult.objects.exists()


def test_an_unknown_code_imports_nothing(communes, tmp_path):
    units, _ = communes
    rows = [*good_rows(units), ["99999", 90, "12/QĐ-UBND", "10/01/2025", None]]
    path = tmp_path / "ma-la.xlsx"
    path.write_bytes(xlsx(rows))
    ok, output = run(path)
    assert not ok and "dòng 5, cột A" in output and "99999" in output
    assert not ImportedResult.objects.exists()


def test_a_code_not_valid_in_that_cycle_imports_nothing(communes, tmp_path):
    _units, retired = communes
    assert retired is not None
    rows = [[retired.code, 90, "05/QĐ-UBND", "10/01/2026", 3]]
    path = tmp_path / "2025.xlsx"
    path.write_bytes(xlsx(rows))
    ok, output = run(path, year=2025)
    assert not ok and "không còn hiệu lực ngày 31/12/2025" in output
    assert not ImportedResult.objects.exists()


def test_it_reads_csv_with_semicolons_and_decimal_commas(communes, tmp_path):
    units, _ = communes
    text = "mã đơn vị;điểm cuối cùng;số quyết định;ngày quyết định;mức\n"
    text += f"{units[0].code};91,25;07/QĐ-UBND;15/01/2025;3\n{units[1].code};80;07/QĐ-UBND;15/01/2025;\n"
    path = tmp_path / "ket-qua.csv"
    path.write_bytes(text.encode("utf-8-sig"))
    ok, output = run(path)
    assert ok, output
    assert ImportedResult.objects.get(unit=units[0]).final_score == Decimal("91.25")
    assert ImportedResult.objects.get(unit=units[1]).level == 1


def test_a_year_with_a_cycle_in_the_system_is_refused(cycle_2024, communes, tmp_path):
    units, _ = communes
    path = tmp_path / "ket-qua.xlsx"
    path.write_bytes(xlsx(good_rows(units)))
    ok, output = run(path)
    assert not ok and "đã có đợt đánh giá" in output


def test_the_page_is_for_province_administrators_only(signed_in, admin_client, communes):
    assert signed_in.get(reverse("reports:import_results")).status_code == 403
    units, _ = communes
    data = xlsx(good_rows(units))
    response = admin_client.post(
        reverse("reports:import_results"), {"year": 2024, "file": SimpleUploadedFile("kq.xlsx", data)}
    )
    assert response.status_code == 302
    assert ImportedResult.objects.filter(imported_by=admin_client.user).count() == 3


def test_the_page_lists_every_problem_with_row_and_column(admin_client, communes):
    units, _ = communes
    rows = good_rows(units)
    rows[0][1] = "chín mươi"
    rows[2][3] = "32/13/2025"
    response = admin_client.post(
        reverse("reports:import_results"), {"year": 2024, "file": SimpleUploadedFile("kq.xlsx", xlsx(rows))}
    )
    assert response.status_code == 400
    cells = {(p.row, p.column) for p in response.context["problems"]}
    assert cells == {(2, "B"), (4, "D")}
    assert not ImportedResult.objects.exists()


def test_the_command_records_the_importer_and_refuses_an_unknown_user(communes, tmp_path, admin_client):
    units, _ = communes
    path = tmp_path / "kq.xlsx"
    path.write_bytes(xlsx(good_rows(units)))
    with pytest.raises(CommandError):
        call_command("import_results", str(path), cycle=2024, user="nobody", stdout=StringIO())
    call_command("import_results", str(path), cycle=2024, user=admin_client.user.username, stdout=StringIO())
    event = AuditEvent.objects.get(event_type="results.imported")
    assert event.actor == admin_client.user
    assert event.data["saved"] == 3


def test_a_corrected_file_updates_the_unit_and_keeps_the_old_value_in_the_audit(communes, tmp_path):
    units, _ = communes
    path = tmp_path / "kq.xlsx"
    path.write_bytes(xlsx(good_rows(units)))
    assert run(path)[0]
    rows = good_rows(units)
    rows[0][1], rows[0][4] = 93, 3
    path.write_bytes(xlsx(rows))
    ok, output = run(path)
    assert ok and "1 saved, 2 unchanged" in output
    assert ImportedResult.objects.get(unit=units[0]).level == 3
    last = AuditEvent.objects.filter(event_type="results.imported").order_by("-pk").first()
    assert last.data["changed"][units[0].code]["level"] == {"old": 4, "new": 3}


REASON_HEADERS = [*HEADERS, "Lý do"]


def test_a_level_below_the_band_imports_with_the_failed_condition_it_names(communes, tmp_path):
    units, _ = communes
    rows = [[*row, None] for row in good_rows(units)]
    rows[1][4], rows[1][5] = "Không đạt chuẩn", "TC2 đạt 31,5% < 50%"  # 84.99 reaches level 1
    path = tmp_path / "co-ly-do.xlsx"
    path.write_bytes(xlsx(rows, REASON_HEADERS))
    ok, output = run(path)
    assert ok, output
    stored = ImportedResult.objects.get(unit=units[1])
    assert (stored.level, stored.reasons) == (0, ["TC2 đạt 31,5% < 50%"])


@pytest.mark.parametrize("reason", [None, "Chưa đạt", "xã chưa tốt; TC2 đạt 31,5% < 50%"])
def test_a_level_below_the_band_without_a_named_condition_imports_nothing(reason, communes, tmp_path):
    units, _ = communes
    rows = [[*row, None] for row in good_rows(units)]
    rows[1][4], rows[1][5] = 0, reason
    path = tmp_path / "thieu-ly-do.xlsx"
    path.write_bytes(xlsx(rows, REASON_HEADERS))
    ok, output = run(path)
    assert not ok
    assert "dòng 3, cột F" in output and "phải nêu điều kiện không đạt" in output
    assert not ImportedResult.objects.exists()


def test_a_level_above_the_band_imports_nothing_whatever_the_reason(communes, tmp_path):
    units, _ = communes
    rows = [[*row, None] for row in good_rows(units)]
    rows[2][4], rows[2][5] = 1, "TC2 đạt 90% > 50%"  # 79 is below the standard
    path = tmp_path / "cao-hon.xlsx"
    path.write_bytes(xlsx(rows, REASON_HEADERS))
    ok, output = run(path)
    assert not ok
    assert "dòng 4, cột E" in output and "cao hơn mức theo điểm" in output
    assert not ImportedResult.objects.exists()


def test_the_results_template_downloads_beside_the_page_and_imports_once_filled(admin_client, communes):
    page = admin_client.get(reverse("reports:import_results"))
    assert reverse("reports:results_template") in page.text
    response = admin_client.get(reverse("reports:results_template"))
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    sheet = book.worksheets[0]
    assert [c.value for c in sheet[1]] == [*HEADERS, "Lý do"]
    assert sheet.print_title_rows == "$1:$1" and sheet.page_setup.fitToWidth == 1
    for row in good_rows(communes[0]):
        sheet.append(row)
    buffer = BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("mau.xlsx", buffer.getvalue())
    response = admin_client.post(reverse("reports:import_results"), {"year": 2024, "file": upload})
    assert response.status_code == 302, response.context and response.context["problems"]
    assert ImportedResult.objects.count() == 3


def test_only_who_may_import_downloads_the_results_template(signed_in):
    assert signed_in.get(reverse("reports:results_template")).status_code == 403
