import pytest

from friendlygov.feedback.sanitise import MASK, clean_comment


@pytest.mark.parametrize(
    "text",
    [
        "Gọi tôi 0912 345 678 nhé",
        "sđt 0912.345.678",
        "số +84 912 345 678",
        "84912345678 là số tôi",
        "CCCD 030201004567",
        "CMND 142 345 678",
        "thư nguyen.van.a@gmail.com",
        "máy bàn 0220 3855 123",
    ],
)
def test_it_masks_phone_numbers_id_numbers_and_emails(text):
    cleaned = clean_comment(text, max_length=500)
    assert MASK in cleaned
    assert not any(ch.isdigit() for ch in cleaned.replace(MASK, "")), cleaned
    assert "@" not in cleaned


def test_it_keeps_ordinary_numbers_such_as_minutes_and_years():
    text = "Chờ 45 phút, năm 2024 tốt hơn 2023."
    assert clean_comment(text, max_length=500) == text


def test_it_strips_markup_and_caps_the_length():
    cleaned = clean_comment(
        "<script>alert(1)</script><b>Cán bộ</b> rất nhiệt tình" + "!" * 900, max_length=60
    )
    assert "<" not in cleaned and ">" not in cleaned
    assert cleaned.startswith("alert(1)Cán bộ rất nhiệt tình")
    assert len(cleaned) <= 60
