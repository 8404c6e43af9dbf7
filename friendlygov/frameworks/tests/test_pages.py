import pytest
from django.urls import reverse
from django.utils import translation

from friendlygov.frameworks.models import FrameworkVersion

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_the_login_page(anonymous, published):
    for url in (
        reverse("frameworks:list"),
        reverse("frameworks:detail", args=[published.pk]),
        reverse("frameworks:export", args=[published.pk]),
        reverse("frameworks:upload"),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url
    assert anonymous.post(reverse("frameworks:publish", args=[published.pk])).status_code == 302


def test_it_lists_published_versions_with_the_template_label(signed_in, published, draft):
    response = signed_in.get(reverse("frameworks:list"))
    assert response.status_code == 200
    assert published.name in response.text
    assert "Bộ mẫu, chưa chính thức" in response.text
    assert draft.name not in response.text
    assert reverse("frameworks:upload") not in response.text


def test_it_shows_drafts_and_the_upload_link_to_administrators(admin_client, published, draft):
    response = admin_client.get(reverse("frameworks:list"))
    assert draft.name in response.text and "Bản nháp" in response.text
    assert reverse("frameworks:upload") in response.text


def test_it_shows_the_tree_with_methods_in_words(signed_in, published):
    response = signed_in.get(reverse("frameworks:detail", args=[published.pk]))
    text = response.text
    assert response.status_code == 200
    assert "Hoạt động công khai, minh bạch" in text
    assert "TC1.1.1" in text  # a sub-indicator
    assert "≥ 95% → 4 điểm" in text
    assert "Chấm từ 0 đến 5 điểm, bước 0,5 điểm." in text
    assert "trừ 1 điểm cho mỗi vi phạm" in text
    assert "Mỗi tiêu chí phải đạt ít nhất 50% số điểm tối đa" in text
    assert "bị kỷ luật hoặc bị truy cứu trách nhiệm hình sự" in text
    assert "Tổng điểm thưởng tối đa 5 điểm" in text
    assert "Bộ mẫu, chưa phải phụ lục chính thức." in text
    assert reverse("frameworks:export", args=[published.pk]) in text
    assert reverse("frameworks:publish", args=[published.pk]) not in text


def test_it_speaks_english(signed_in, published):
    signed_in.cookies["django_language"] = "en"
    with translation.override("vi"):  # the middleware leaves the thread in English otherwise
        response = signed_in.get(reverse("frameworks:detail", args=[published.pk]))
    assert "Public and transparent operations" in response.text
    assert "Scoring" in response.text
    assert "Template, not the official annex." in response.text


def test_it_hides_drafts_from_people_who_cannot_manage(signed_in, draft):
    assert signed_in.get(reverse("frameworks:detail", args=[draft.pk])).status_code == 404
    assert signed_in.get(reverse("frameworks:export", args=[draft.pk])).status_code == 404


def test_it_exports_yaml_to_whoever_may_view(signed_in, published):
    response = signed_in.get(reverse("frameworks:export", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert 'filename="hai-duong-2024-v1.yaml"' in response["Content-Disposition"]
    assert "code: hai-duong-2024" in response.content.decode()


def test_it_refuses_upload_and_publish_to_non_staff(signed_in, draft):
    assert signed_in.get(reverse("frameworks:upload")).status_code == 403
    assert signed_in.post(reverse("frameworks:publish", args=[draft.pk])).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def upload(client, text, name="upload.yaml"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("frameworks:upload"), {"file": SimpleUploadedFile(name, text.encode())})


def test_it_uploads_a_valid_file_as_a_draft(admin_client, default_text):
    response = upload(admin_client, default_text)
    version = FrameworkVersion.objects.get(code="thu-nghiem")
    assert response.status_code == 302 and response["Location"] == reverse(
        "frameworks:detail", args=[version.pk]
    )
    assert version.status == FrameworkVersion.Status.DRAFT
    assert version.source_filename == "upload.yaml"


def test_it_shows_upload_errors_with_line_and_creates_nothing(admin_client, default_text):
    before = FrameworkVersion.objects.count()
    response = upload(
        admin_client, default_text.replace("method: survey", "method: vote", 1), name="bad.yaml"
    )
    assert response.status_code == 400
    assert "bad.yaml, dòng" in response.text
    assert "criteria[2].indicators[3].method" in response.text
    assert FrameworkVersion.objects.count() == before


def test_it_publishes_a_draft_for_an_administrator(admin_client, draft):
    response = admin_client.post(reverse("frameworks:publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.is_published and draft.published_by == admin_client.user


def test_it_keeps_the_detail_page_queries_constant(admin_client, published, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        admin_client.get(reverse("frameworks:detail", args=[published.pk]))


def test_it_keeps_the_list_queries_constant(
    admin_client, published, default_text, django_assert_max_num_queries
):
    from friendlygov.frameworks.services import load_framework

    for n in range(3):
        load_framework(
            default_text.replace("version: 1", f"version: {n + 2}", 1), filename="x.yaml", actor=None
        )
    with django_assert_max_num_queries(6):
        admin_client.get(reverse("frameworks:list"))


def test_it_sends_anonymous_visitors_to_the_login_page_from_the_excel_pages(anonymous, published):
    for url in (
        reverse("frameworks:export_xlsx", args=[published.pk]),
        reverse("frameworks:diff", args=[published.pk]),
    ):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/accounts/login" in response["Location"], url


def test_it_exports_excel_to_whoever_may_view(signed_in, published):
    response = signed_in.get(reverse("frameworks:export_xlsx", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="hai-duong-2024-v1.xlsx"' in response["Content-Disposition"]
    assert response.content.startswith(b"PK")


def test_it_imports_an_excel_file_through_the_page_as_the_next_draft(admin_client, published):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = admin_client.get(reverse("frameworks:export_xlsx", args=[published.pk])).content
    response = admin_client.post(
        reverse("frameworks:upload"), {"file": SimpleUploadedFile("bo-tieu-chi.xlsx", data)}
    )
    version = FrameworkVersion.objects.get(code="hai-duong-2024", version=2)
    assert response.status_code == 302
    assert response["Location"] == reverse("frameworks:detail", args=[version.pk])
    page = admin_client.get(response["Location"]).text
    assert "phiên bản 2" in page and "không có thay đổi nào." in page


def test_it_names_the_bad_cell_of_an_excel_upload(admin_client, published):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    data = admin_client.get(reverse("frameworks:export_xlsx", args=[published.pk])).content
    book = load_workbook(BytesIO(data))
    book["Tiêu chí"]["D3"] = "hai mươi"
    buffer = BytesIO()
    book.save(buffer)
    before = FrameworkVersion.objects.count()
    response = admin_client.post(
        reverse("frameworks:upload"), {"file": SimpleUploadedFile("sai.xlsx", buffer.getvalue())}
    )
    assert response.status_code == 400
    assert "<td>Tiêu chí</td>" in response.text and "<td>3</td>" in response.text
    assert "“hai mươi” không phải là số." in response.text
    assert FrameworkVersion.objects.count() == before


def test_it_refuses_the_excel_upload_to_people_who_cannot_manage(signed_in, published):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = signed_in.get(reverse("frameworks:export_xlsx", args=[published.pk])).content
    response = signed_in.post(reverse("frameworks:upload"), {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 403
    assert not FrameworkVersion.objects.filter(version=2).exists()


def test_it_explains_a_yaml_syntax_error_in_vietnamese(admin_client, default_text):
    response = upload(admin_client, default_text + "extra: [1, 2\n", name="hong.yaml")
    assert response.status_code == 400
    assert "hong.yaml, dòng" in response.text
    assert "ngoặc vuông “[” chưa được đóng" in response.text
    assert "expected" not in response.text
