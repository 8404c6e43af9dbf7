"""A file field speaks the page's language, whatever the language of the browser's menus: the
browser's own "Choose File / No file chosen" is covered by a button and a file name in the page's
words, while the real field still takes the click, the file and its label (site.js)."""

import pytest
from playwright.sync_api import expect

from friendlygov.core.testing_browser import look_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def center_of(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


@pytest.mark.parametrize("width", [375, 1280])
def test_the_file_field_is_in_the_pages_words_and_still_the_real_field(page, live_server, tmp_path, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(f"{live_server.url}/xac-minh/")
    picker = page.locator(".file-picker")
    expect(picker.locator(".file-picker-button")).to_have_text("Chọn tệp…")
    expect(picker.locator(".file-picker-name")).to_have_text("Chưa chọn tệp nào")
    field = page.get_by_label("Tệp PDF cần kiểm tra")
    assert field.evaluate("(input) => getComputedStyle(input).opacity") == "0"
    look_at(page, "file-field-empty")

    # A click on the drawn button reaches the real field, which opens the file chooser.
    with page.expect_file_chooser() as chooser:
        page.mouse.click(*center_of(picker.locator(".file-picker-button")))
    document = tmp_path / "quyet-dinh-so-12-QD-UBND.pdf"
    document.write_bytes(b"%PDF-1.7\n%%EOF\n")
    chooser.value.set_files(document)
    expect(picker.locator(".file-picker-name")).to_have_text(document.name)
    assert field.evaluate("(input) => input.files[0].name") == document.name
    look_at(page, "file-field-chosen")

    # The keyboard reaches it too, and the drawn button shows where the focus is.
    field.focus()
    outline = picker.locator(".file-picker-button").evaluate("(face) => getComputedStyle(face).outlineStyle")
    assert outline == "solid"


def test_the_file_field_is_in_english_on_an_english_page(page, live_server):
    page.goto(f"{live_server.url}/xac-minh/")
    page.get_by_role("button", name="English").click()
    expect(page.locator(".file-picker-button")).to_have_text("Choose a file…")
    expect(page.locator(".file-picker-name")).to_have_text("No file chosen")
    look_at(page, "file-field-english")
