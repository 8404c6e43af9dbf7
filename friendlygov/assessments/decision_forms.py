"""The forms of the decision pages: drafting (and editing a draft), and issuing, where the number
and the signing date are settled. They only parse; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy

from friendlygov.core import decree30
from friendlygov.core.dates import DayField
from friendlygov.core.text import xml_safe

from .models import SigningMode


class NumberAndDateForm(forms.Form):
    number = forms.CharField(
        label=gettext_lazy("Số quyết định"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "Dạng số/ký hiệu, ví dụ 05/QĐ-UBND; nếu chỉ ghi số, ký hiệu của cơ quan được thêm vào."
        ),
    )
    signed_on = DayField(label=gettext_lazy("Ngày ký"))
    date_reason = forms.CharField(
        label=gettext_lazy("Lý do ký ngoài thời hạn"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, body, **kwargs):
        self.body = body
        super().__init__(*args, **kwargs)
        cycle = body.cycle
        self.fields["date_reason"].help_text = gettext_lazy(
            "Chỉ cần khi ngày ký nằm ngoài thời hạn ra quyết định của đợt (%(opens)s – %(closes)s)."
        ) % {"opens": f"{cycle.decision_from:%d/%m/%Y}", "closes": f"{cycle.decision_until:%d/%m/%Y}"}

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():  # pasted text: see core/text.py
            if isinstance(value, str):
                cleaned[name] = xml_safe(value)
        return cleaned

    def clean_number(self):
        """ "5" → "05/QĐ-UBND" (the body's symbol); "05/qđ-ubnd" → "05/QĐ-UBND"."""
        number = "".join(self.cleaned_data["number"].split()).upper()
        if number.isdigit():
            number = f"{int(number):02d}/{self.body.decision_symbol}"
        return number


class DecisionForm(NumberAndDateForm):
    """A draft: its number may be left empty (the clerk gives it when it is issued)."""

    signer_name = forms.CharField(label=gettext_lazy("Người ký"), max_length=120)
    legal_bases = forms.CharField(
        label=gettext_lazy("Căn cứ pháp lý"),
        help_text=gettext_lazy("Mỗi căn cứ một dòng; có thể sửa."),
        widget=forms.Textarea(attrs={"rows": 7}),
    )

    # Left out (an older client), the body's usual mode applies.
    signing_mode = forms.ChoiceField(
        label=gettext_lazy("Hình thức ký"), choices=SigningMode.choices, required=False
    )
    signer_title = forms.CharField(
        label=gettext_lazy("Chức danh người ký"),
        max_length=100,
        required=False,
        help_text=gettext_lazy(
            "Khi ký KT., TL. hoặc TUQ., ví dụ PHÓ CHỦ TỊCH; để trống khi ký KT. là cấp phó."
        ),
    )
    recipients = forms.CharField(
        label=gettext_lazy("Nơi nhận"),
        required=False,
        help_text=gettext_lazy("Mỗi nơi nhận một dòng; để trống để dùng mặc định."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = (
        "number",
        "signed_on",
        "signing_mode",
        "signer_name",
        "signer_title",
        "legal_bases",
        "recipients",
        "date_reason",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].help_text = gettext_lazy(
            "Có thể để trống: văn thư cấp số khi ban hành. Dạng số/ký hiệu, ví dụ 05/QĐ-UBND."
        )
        # Only the modes that fit who decides (Decree 30); the service checks it again.
        allowed = decree30.COLLECTIVE_MODES if self.body.is_collective else decree30.HEAD_MODES
        self.fields["signing_mode"].choices = [c for c in SigningMode.choices if c[0] in allowed]


class IssueForm(NumberAndDateForm):
    """Issuing: the number the register proposes (editable) and the date the decision was signed.
    A field left empty keeps what the draft holds (and a draft without a number gets the next free
    one)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_on"].required = False

    def given(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
