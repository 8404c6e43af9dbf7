from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation
from openpyxl import load_workbook

from friendlygov.audit.models import AuditEvent
from friendlygov.core.spreadsheets import ImportRefused
from friendlygov.frameworks.models import BonusRule, Criterion, FrameworkVersion, GatingRule, Indicator
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.services import import_framework_workbook
from friendlygov.frameworks.xlsx_export import framework_workbook

pytestmark = pytest.mark.django_db

MODELS = (FrameworkVersion, Criterion, Indicator, GatingRule, BonusRule)


def canonical(version) -> dict:
    """The whole version as one dict (what the YAML export writes), without its version number."""
    document = version_document(version)
    document.pop("version")
    return document


def exported(version, language="vi") -> bytes:
    with translation.override(language):
        return framework_workbook(version_document(version))


def edited(data: bytes, sheet: str, cell: str, value) -> bytes:
    book = load_workbook(BytesIO(data))
    book[sheet][cell] = value
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(data: bytes, sheet: str, code: str, column: str = "B") -> int:
    book = load_workbook(BytesIO(data))
    return next(cell.row for cell in book[sheet][column] if cell.value == code)


def refused(data: bytes, actor) -> list[str]:
    before = [model.objects.count() for model in MODELS]
    with pytest.raises(ImportRefused) as caught:
        import_framework_workbook(data, filename="bo-tieu-chi.xlsx", actor=actor)
    assert [model.objects.count() for model in MODELS] == before, "a refused file created rows"
    return [str(problem) for problem in caught.value.problems]


@pytest.fixture
def admin(admin_client):
    return admin_client.user


def test_it_round_trips_a_framework_through_excel(published, admin):
    version = import_framework_workbook(exported(published), filename="hai-duong.xlsx", actor=admin)
    assert version.code == published.code and version.version == published.version + 1
    assert version.status == FrameworkVersion.Status.DRAFT
    assert canonical(version) == canonical(published)
    assert version.source_filename == "hai-duong.xlsx"
    assert "code: hai-duong-2024" in version.source_yaml
    event = AuditEvent.objects.get(event_type="framework.imported", target_id=str(version.pk))
    assert event.data["file"] == "hai-duong.xlsx" and event.actor == admin


def test_it_reads_a_workbook_exported_in_english(published, admin):
    version = import_framework_workbook(exported(published, "en"), filename="en.xlsx", actor=admin)
    assert canonical(version) == canonical(published)


def test_it_names_a_bad_cell_by_sheet_row_and_column_in_vietnamese(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.2")
    problems = refused(edited(data, "Chỉ tiêu", f"F{row}", "năm"), admin)
    assert problems == [f"Trang “Chỉ tiêu”, dòng {row}, cột F: “năm” không phải là số."]


def test_it_reads_a_decimal_comma_typed_as_text(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.2")
    version = import_framework_workbook(
        edited(data, "Chỉ tiêu", f"H{row}", "0,5"), filename="x.xlsx", actor=admin
    )
    assert version.indicators.get(code="TC1.2").step == published.indicators.get(code="TC1.2").step


def test_it_points_a_wrong_total_at_the_criterion(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.2")
    criterion_row = row_of(data, "Tiêu chí", "TC1", column="A")
    problems = refused(edited(data, "Chỉ tiêu", f"F{row}", 6), admin)
    assert (
        f"Trang “Tiêu chí”, dòng {criterion_row}, cột D: Tổng điểm các chỉ tiêu là 21, phải bằng 20."
        in problems
    )


def test_it_lists_the_methods_when_one_is_unknown(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.2")
    [problem] = refused(edited(data, "Chỉ tiêu", f"G{row}", "Bốc thăm"), admin)
    assert problem.startswith(f"Trang “Chỉ tiêu”, dòng {row}, cột G: “Bốc thăm” không có trong danh sách")
    assert "Chấm điểm trực tiếp" in problem and "Khảo sát mức độ hài lòng" in problem


def test_it_refuses_a_parameter_the_method_does_not_use(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.2")  # manual
    [problem] = refused(edited(data, "Chỉ tiêu", f"I{row}", 1), admin)
    assert problem == (
        f"Trang “Chỉ tiêu”, dòng {row}, cột I: "
        "Cách chấm “Chấm điểm trực tiếp” không dùng ô này; hãy để trống."
    )


def test_it_names_a_threshold_above_the_maximum_on_its_own_sheet(published, admin):
    data = exported(published)
    row = row_of(data, "Ngưỡng điểm", "TC1.3", column="A")
    [problem] = refused(edited(data, "Ngưỡng điểm", f"C{row}", 7), admin)
    assert problem == f"Trang “Ngưỡng điểm”, dòng {row}, cột C: Lớn hơn điểm tối đa của chỉ tiêu (5)."


def test_it_names_where_a_duplicate_code_was_first_used(published, admin):
    data = exported(published)
    first, second = row_of(data, "Chỉ tiêu", "TC2.1"), row_of(data, "Chỉ tiêu", "TC2.2")
    [problem] = refused(edited(data, "Chỉ tiêu", f"B{second}", "TC2.1"), admin)
    assert problem == (
        f"Trang “Chỉ tiêu”, dòng {second}, cột B: "
        f"Mã TC2.1 bị trùng (đã dùng ở trang “Chỉ tiêu”, dòng {first})."
    )


def test_it_refuses_a_sub_indicator_whose_parent_is_not_above(published, admin):
    data = exported(published)
    row = row_of(data, "Chỉ tiêu", "TC1.1.1")
    problem, *consequences = refused(edited(data, "Chỉ tiêu", f"C{row}", "TC9"), admin)
    assert consequences == ["Trang “Chỉ tiêu”, dòng 2, cột F: Tổng điểm các chỉ tiêu là 3, phải bằng 6."]
    assert problem.startswith(f"Trang “Chỉ tiêu”, dòng {row}, cột C: Không có chỉ tiêu cha mã “TC9”")


def test_it_refuses_a_gating_value_in_the_wrong_column(published, admin):
    data = exported(published)
    row = row_of(data, "Điều kiện", "DK2", column="A")  # a veto flag
    [problem] = refused(edited(data, "Điều kiện", f"D{row}", 50), admin)
    assert (
        problem == f"Trang “Điều kiện”, dòng {row}, cột D: Loại điều kiện này không dùng ô này; hãy để trống."
    )


def test_it_refuses_a_moved_column(published, admin):
    [problem] = refused(edited(exported(published), "Tiêu chí", "B1", "Điểm"), admin)
    assert problem.startswith("Trang “Tiêu chí”, dòng 1, cột B: Trang không đúng mẫu")


def test_it_checks_the_file_by_content(admin):
    [problem] = refused(b"code: x\nname: y\n", admin)
    assert "không phải là tệp Excel" in problem


def test_it_gives_the_next_version_number(published, admin):
    data = exported(published)
    second = import_framework_workbook(data, filename="a.xlsx", actor=admin)
    third = import_framework_workbook(data, filename="b.xlsx", actor=admin)
    assert (second.version, third.version) == (2, 3)


def test_it_lets_only_framework_managers_import(published, make_persona):
    someone = make_persona("viewer").user
    with pytest.raises(PermissionDenied):
        import_framework_workbook(exported(published), filename="a.xlsx", actor=someone)


def test_it_writes_a_formatted_workbook(published):
    book = load_workbook(BytesIO(exported(published)))
    assert book.sheetnames == [
        "Thông tin chung",
        "Tiêu chí",
        "Chỉ tiêu",
        "Ngưỡng điểm",
        "Điều kiện",
        "Điểm thưởng",
    ]
    indicators = book["Chỉ tiêu"]
    assert indicators["G1"].value == "Cách chấm" and indicators.freeze_panes == "A2"
    assert indicators.print_title_rows == "$1:$1" and indicators.page_setup.fitToWidth == 1
    assert indicators.column_dimensions["D"].width == 40
    assert any(
        "Chấm điểm trực tiếp" in (v.formula1 or "") for v in indicators.data_validations.dataValidation
    )
    row = row_of(BytesIO(exported(published)).getvalue(), "Chỉ tiêu", "TC1.2")
    assert indicators[f"F{row}"].number_format == "0.00"


def test_it_exports_and_loads_a_workbook_from_the_commands(tmp_path, published):
    from django.core.management import call_command

    path = tmp_path / "bo-tieu-chi.xlsx"
    call_command("export_framework", "hai-duong-2024", "--output", str(path), verbosity=0)
    call_command("load_framework", str(path), "--publish", verbosity=0)
    loaded = FrameworkVersion.objects.get(code="hai-duong-2024", version=2)
    assert loaded.is_published and canonical(loaded) == canonical(published)


def test_it_names_the_cell_from_the_command_and_loads_nothing(tmp_path, published):
    from django.core.management import CommandError, call_command

    path = tmp_path / "sai.xlsx"
    path.write_bytes(edited(exported(published), "Tiêu chí", "D2", "x"))
    with pytest.raises(CommandError) as refused:
        call_command("load_framework", str(path), verbosity=0)
    assert "Trang “Tiêu chí”, dòng 2, cột D: “x” không phải là số." in str(refused.value)
    assert not FrameworkVersion.objects.filter(version=2).exists()
