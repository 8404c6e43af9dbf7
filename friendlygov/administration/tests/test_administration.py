"""The administration area: only the provincial administrator enters it; the cycle wizard scopes a
new cycle through lineage or a list (an empty scope refused, all-or-nothing); people come in bulk
from .xlsx with errors named by row and column, are invited, granted roles and deactivated."""

from datetime import date
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import Workbook

from friendlygov.accounts import people
from friendlygov.accounts.models import Role, RoleGrant, User
from friendlygov.administration import forms
from friendlygov.assessments import cycles
from friendlygov.assessments.models import Assessment, Cycle
from friendlygov.audit.models import AuditEvent
from friendlygov.core.spreadsheets import ImportRefused
from friendlygov.units import selectors
from friendlygov.units.models import UnitVersion

HAI_DUONG_2024 = "30@2024-01-01"
HAI_PHONG = "31@2025-07-01"

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(make_persona, reference_data):
    client = make_persona("city-admin", email="admin@example.vn")
    RoleGrant.objects.create(user=client.user, role=Role.PROVINCE_ADMIN, unit_id=HAI_PHONG)
    return client


def workbook(rows, header=("Họ và tên", "Thư điện tử", "Điện thoại", "Mã đơn vị", "Vai trò", "Năm đánh giá")):
    book = Workbook()
    sheet = book.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    buffer = BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "nguoi-dung.xlsx"
    return buffer


# --- Who enters ---------------------------------------------------------------------------------


def test_only_the_provincial_administrator_enters_and_sees_the_menu_link(admin, signed_in, anonymous):
    page = admin.get(reverse("administration:home"))
    assert page.status_code == 200
    assert 'href="/quan-tri/"' in admin.get(reverse("home")).content.decode()
    assert signed_in.get(reverse("administration:home")).status_code == 403
    assert 'href="/quan-tri/"' not in signed_in.get(reverse("home")).content.decode()
    assert anonymous.get(reverse("administration:users")).status_code == 302


# --- Scopes ---------------------------------------------------------------------------------------


def test_the_units_formed_from_hai_duong_are_the_64_of_hai_phong(reference_data):
    scope = cycles.scope_by_lineage(UnitVersion.objects.get(pk=HAI_DUONG_2024), 2027)
    assert len(scope.units) == 64
    assert dict(scope.counts) == {"Xã": 43, "Phường": 21}
    assert {unit.province_code for unit in scope.units} == {"31"}


def test_a_list_scope_names_the_codes_it_does_not_know(reference_data):
    scope = cycles.scope_by_codes(["10804", "99999"], 2027)
    assert [unit.code for unit in scope.units] == ["10804"]
    assert scope.unknown_codes == ["99999"]


def test_unit_versions_never_share_a_label(reference_data):
    versions = UnitVersion.objects.filter(name="Thành phố Hải Phòng")
    assert versions.count() >= 2
    labels = [label for _unit, label in selectors.labelled(versions)]
    assert len(set(labels)) == len(labels)
    assert "Thành phố Hải Phòng (từ 01/07/2025)" in labels


def test_a_shifted_29_february_falls_on_28_february():
    assert cycles.shifted(date(2028, 2, 29), 1) == date(2029, 2, 28)


# --- Copying a cycle ------------------------------------------------------------------------------


def test_the_wizard_previews_then_copies_2026_into_2027_for_the_64_units(small_demo, admin):
    source = Cycle.objects.get(year=2026)
    form = {"source": source.pk, "year": 2027, "scope_by": "lineage", "root": HAI_DUONG_2024}
    preview = admin.post(reverse("administration:wizard"), {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "64 đơn vị" in preview.content.decode()
    assert not Cycle.objects.filter(year=2027).exists()

    created = admin.post(reverse("administration:wizard"), {**form, "create": "1"})
    assert created.status_code == 302
    cycle = Cycle.objects.get(year=2027)
    assert Assessment.objects.filter(cycle=cycle).count() == 64
    assert cycle.self_assessment_closes == cycles.shifted(source.self_assessment_closes, 1)
    assert cycle.framework_id == source.framework_id
    assert [b.issuing_authority for b in cycle.bodies.all()] == [
        b.issuing_authority for b in source.bodies.all()
    ]
    assert AuditEvent.objects.filter(event_type="cycle.copied", target_id=str(cycle.pk)).exists()


def retired_codes(count=3) -> list[str]:
    """Codes of 2024 communes that no unit carries on 31 December 2027 (merged away in 2025)."""
    live = UnitVersion.objects.valid_on(date(2027, 12, 31)).values("code")
    retired = UnitVersion.objects.valid_on(date(2024, 12, 31)).filter(level=3).exclude(code__in=live)
    return list(retired.order_by("code").values_list("code", flat=True)[:count])


def test_an_empty_scope_is_refused_and_creates_nothing(small_demo, admin):
    source = Cycle.objects.get(year=2026)
    codes = " ".join(retired_codes())
    form = {"source": source.pk, "year": 2027, "scope_by": "list", "codes": codes, "create": "1"}
    page = admin.post(reverse("administration:wizard"), form)
    assert page.status_code == 200
    assert "Phạm vi đánh giá không có đơn vị nào còn hiệu lực ngày 31/12/2027" in page.content.decode()
    assert not Cycle.objects.filter(year=2027).exists()
    with pytest.raises(ValidationError):
        cycles.copy_cycle(source, cycles.Scope(2027, [], "-"), actor=admin.user)


def test_late_submission_is_set_on_the_cycle_page_and_audited(small_demo, admin):
    cycle = Cycle.objects.get(year=2026)
    fields = ("self_assessment_opens", "self_assessment_closes", "appraisal_deadline")
    form = {name: f"{getattr(cycle, name):%d/%m/%Y}" for name in (*fields, "decision_from", "decision_until")}
    form |= {"name": cycle.name, "max_explanation_rounds": 2, "explanation_days": 7, "late_allowed": "on"}
    page = admin.post(reverse("administration:cycle", args=[2026]), form)
    assert page.status_code == 302
    cycle.refresh_from_db()
    assert cycle.late_allowed
    assert AuditEvent.objects.filter(event_type="cycle.changed", target_id=str(cycle.pk)).exists()


# --- People ---------------------------------------------------------------------------------------


def test_people_come_in_from_xlsx_are_granted_and_invited(
    reference_data, admin, django_capture_on_commit_callbacks
):
    rows = [
        ("Nguyễn Văn An", "an@example.vn", "0912 345 678", "10804", "Cán bộ cấp xã", 2027),
        ("Trần Thị Bình", "binh@example.vn", "", "10804", "commune_chair", ""),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        page = admin.post(reverse("administration:people_import"), {"file": workbook(rows)})
    assert page.status_code == 302
    an = User.objects.get(email="an@example.vn")
    assert not an.has_usable_password()
    grant = RoleGrant.objects.get(user=an)
    assert (grant.role, grant.unit_id, grant.year) == (Role.COMMUNE_OFFICER, "10804@2025-07-01", 2027)
    assert sorted(m.to[0] for m in mail.outbox) == ["an@example.vn", "binh@example.vn"]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/dat-mat-khau/" in line)
    assert link.startswith("http")


def test_a_bad_people_file_is_refused_row_by_row_and_nothing_is_saved(reference_data, admin):
    rows = [
        ("Nguyễn Văn An", "an@example.vn", "", "10804", "Cán bộ cấp xã", 2027),
        ("Lê Văn C", "khong-phai-thu", "", "10804", "Cán bộ cấp xã", 2027),
        ("Phạm D", "d@example.vn", "", "99999", "Thủ quỹ", 2027),
    ]
    page = admin.post(reverse("administration:people_import"), {"file": workbook(rows)})
    assert page.status_code == 400
    text = page.content.decode()
    assert "dòng 3, cột B" in text
    assert "dòng 4, cột D" in text
    assert "dòng 4, cột E" in text
    assert not User.objects.filter(email__endswith="@example.vn").exclude(username="city-admin").exists()
    assert not mail.outbox


def test_a_text_file_named_xlsx_is_refused_by_content(reference_data):
    with pytest.raises(ImportRefused) as refused:
        people.read_people(b"name,email\n", "nguoi-dung.xlsx")
    assert "kiểm tra theo nội dung" in str(refused.value)


def test_the_template_reads_back_as_one_person(reference_data):
    assert [p.email for p in people.read_people(people.people_template(), "mau.xlsx")] == [
        "an.nguyen@example.vn"
    ]


def test_the_administrator_deactivates_and_grants_by_unit_version(reference_data, admin):
    person = User.objects.create_user("someone-else", email="else@example.vn")
    admin.post(reverse("administration:user_active", args=[person.pk]), {"active": "0"})
    person.refresh_from_db()
    assert not person.is_active
    page = admin.post(
        reverse("administration:user", args=[person.pk]), {"role": "viewer", "unit": "31", "year": ""}
    )
    assert page.status_code == 302
    assert RoleGrant.objects.get(user=person).unit_id == HAI_PHONG
    detail = admin.get(reverse("administration:user", args=[person.pk])).content.decode()
    assert "Thành phố Hải Phòng (từ 01/07/2025)" in detail


def test_the_audit_list_is_paged(reference_data, admin):
    page = admin.get(reverse("administration:audit"))
    assert page.status_code == 200
    assert page.context["page"].paginator.per_page == 50


def test_an_administrator_grants_only_within_their_reach(reference_data, make_persona):
    kim_thanh = make_persona("kimthanh-admin")
    RoleGrant.objects.create(user=kim_thanh.user, role=Role.PROVINCE_ADMIN, unit_id="293@2024-01-01")
    person = User.objects.create_user("some-viewer", email="viewer@example.vn")
    page = kim_thanh.post(
        reverse("administration:user", args=[person.pk]), {"role": "viewer", "unit": "31"}, follow=True
    )
    assert "nằm ngoài phạm vi bạn quản trị" in page.content.decode()
    assert not RoleGrant.objects.filter(user=person).exists()
    rows = [("Nguyễn Văn An", "an@example.vn", "", "31", "Người xem", "")]
    refused = kim_thanh.post(reverse("administration:people_import"), {"file": workbook(rows)})
    assert refused.status_code == 400
    assert "dòng 2, cột D" in refused.content.decode()
    assert not User.objects.filter(email="an@example.vn").exists()


def test_a_province_administrator_cannot_deactivate_a_superuser(reference_data, admin):
    root = User.objects.create_superuser("root-account", password="x-root-2026")
    admin.post(reverse("administration:user_active", args=[root.pk]), {"active": "0"})
    root.refresh_from_db()
    assert root.is_active


def test_a_body_signing_that_does_not_fit_its_issuer_is_refused_and_a_fitting_one_saved(small_demo, admin):
    body = Cycle.objects.get(year=2026).bodies.get()
    form = {name: getattr(body, name) for name in forms.BodyForm.Meta.fields}
    url = reverse("administration:body", args=[body.pk])
    refused = admin.post(url, {**form, "issued_as": "head", "signing_mode": "tm"})
    assert refused.status_code == 200
    assert "không ký TM." in refused.content.decode()
    body.refresh_from_db()
    assert body.issued_as == "collective"

    saved = admin.post(url, {**form, "signing_mode": "kt", "deputy_title": "PHÓ CHỦ TỊCH"})
    assert saved.status_code == 302
    body.refresh_from_db()
    assert body.signing_mode == "kt"
    assert AuditEvent.objects.filter(event_type="body.changed", target_id=str(body.pk)).exists()


def test_the_django_admin_autocomplete_tells_unit_versions_apart(reference_data, admin_client):
    query = {
        "app_label": "assessments",
        "model_name": "appraisingbody",
        "field_name": "unit",
        "term": "Hải Phòng",
    }
    answer = admin_client.get("/admin/autocomplete/", query).json()
    texts = [result["text"] for result in answer["results"]]
    assert "Thành phố Hải Phòng (từ 01/07/2025)" in texts
    assert len(texts) == len(set(texts))
