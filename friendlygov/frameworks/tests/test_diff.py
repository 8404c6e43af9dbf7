import pytest
from django.urls import reverse

from friendlygov.frameworks.diff import ADDED, CHANGED, REMOVED, FieldChange, compare
from friendlygov.frameworks.selectors import version_document
from friendlygov.frameworks.services import load_framework

from .conftest import DEFAULT_FILE

pytestmark = pytest.mark.django_db


def next_version_text(**replacements) -> str:
    """The shipped default as its version 2, with some lines replaced."""
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace("version: 1", "version: 2", 1)
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text


# TC1.2 (manual, 5 points) becomes 6 and TC1.4 (deduction, 4 points) becomes 3: the criterion still adds up.
MOVED_POINT = {
    "        max_points: 5\n        method: manual\n        step: 0.5": (
        "        max_points: 6\n        method: manual\n        step: 0.5"
    ),
    "        max_points: 4\n        method: deduction": "        max_points: 3\n        method: deduction",
}


@pytest.fixture
def second(published):
    return load_framework(next_version_text(**MOVED_POINT), filename="v2.yaml", actor=None)


def indicator_changes(changes):
    return {item.code: item for item in changes.sections[2].items}


def test_it_lists_a_changed_maximum(published, second):
    changes = compare(version_document(published), version_document(second))
    items = indicator_changes(changes)
    assert set(items) == {"TC1.2", "TC1.4"}
    assert items["TC1.2"].kind == CHANGED
    assert FieldChange("Điểm tối đa", "5", "6") in items["TC1.2"].fields
    assert FieldChange(
        "Quy đổi điểm", "Chấm từ 0 đến 5 điểm, bước 0,5 điểm.", "Chấm từ 0 đến 6 điểm, bước 0,5 điểm."
    ) in (items["TC1.2"].fields)
    assert (changes.added, changes.removed, changes.changed) == (0, 0, 2)


def test_it_lists_added_and_removed_items_and_changed_conditions(published):
    document = version_document(published)
    changed = version_document(published)
    criterion = changed["criteria"][0]
    removed = criterion["indicators"].pop(3)  # TC1.4, 4 points
    criterion["indicators"].append({**removed, "code": "TC1.9", "name": "Chỉ tiêu mới"})
    changed["gating_rules"][0]["params"] = {"percent": 60}
    changed["bonus_rules"].pop()
    changes = compare(document, changed)
    kinds = {(item.code, item.kind) for section in changes.sections for item in section.items}
    assert kinds == {("TC1.4", REMOVED), ("TC1.9", ADDED), ("DK1", CHANGED), ("TH2", REMOVED)}
    [gating] = changes.sections[3].items
    assert (
        FieldChange(
            "Nội dung",
            "Mỗi tiêu chí phải đạt ít nhất 50% số điểm tối đa của tiêu chí.",
            "Mỗi tiêu chí phải đạt ít nhất 60% số điểm tối đa của tiêu chí.",
        )
        in gating.fields
    )
    added = next(item for item in changes.sections[2].items if item.kind == ADDED)
    assert FieldChange("Điểm tối đa", "", "4") in added.fields


def test_it_finds_nothing_between_equal_documents(published):
    document = version_document(published)
    assert compare(document, document).is_empty


def test_it_shows_the_changes_on_the_draft_before_publishing(admin_client, published, second):
    response = admin_client.get(reverse("frameworks:detail", args=[second.pk]))
    text = response.text
    assert "Trước khi ban hành: thay đổi so với phiên bản trước" in text
    assert "0 mục thêm, 0 mục bỏ, 2 mục sửa." in text
    assert "<del>5</del>" in text and "<ins>6</ins>" in text
    assert reverse("frameworks:publish", args=[second.pk]) in text


def test_it_compares_with_a_chosen_version_on_the_diff_page(admin_client, published, second):
    response = admin_client.get(reverse("frameworks:diff", args=[published.pk]), {"against": second.pk})
    assert response.status_code == 200
    assert "<del>6</del>" in response.text and "<ins>5</ins>" in response.text
    assert reverse("frameworks:publish", args=[published.pk]) not in response.text


def test_it_shows_the_diff_only_to_who_may_see_both_versions(signed_in, published, second):
    assert signed_in.get(reverse("frameworks:diff", args=[second.pk])).status_code == 404
    url = reverse("frameworks:diff", args=[published.pk])
    assert signed_in.get(url, {"against": second.pk}).status_code == 404
    assert signed_in.get(url).status_code == 200


def test_it_keeps_the_draft_page_queries_constant(
    admin_client, published, second, django_assert_max_num_queries
):
    with django_assert_max_num_queries(22):
        admin_client.get(reverse("frameworks:detail", args=[second.pk]))


def test_it_speaks_english_on_the_diff_page(admin_client, published, second):
    from django.utils import translation

    admin_client.cookies["django_language"] = "en"
    with translation.override("vi"):
        response = admin_client.get(reverse("frameworks:diff", args=[second.pk]))
    assert "Changes to the framework" in response.text
    assert "0 added, 0 removed, 2 changed." in response.text
    assert "Maximum points" in response.text and "Scored from 0 to 6 points in steps of 0.5." in response.text
