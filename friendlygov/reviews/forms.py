"""The forms of the review pages. They only parse; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy

from friendlygov.core.text import xml_safe


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class FileRequestForm(forms.Form):
    indicators = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Chỉ tiêu kiến nghị"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Cần chọn ít nhất một chỉ tiêu được kiến nghị.")},
    )
    reasons = forms.CharField(
        label=gettext_lazy("Lý do kiến nghị"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Nêu rõ vì sao kết quả của từng chỉ tiêu chưa đúng và căn cứ kèm theo."),
        error_messages={"required": gettext_lazy("Cần ghi lý do kiến nghị.")},
    )
    files = MultipleFileField(
        label=gettext_lazy("Tài liệu kèm theo"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx"}),
        help_text=gettext_lazy("PDF, ảnh JPG/PNG, Word (.docx) hoặc Excel (.xlsx); tối đa 10 tệp."),
    )

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].queryset = indicators
        self.fields["indicators"].label_from_instance = lambda i: f"{i.code} — {i.name}"

    def clean_reasons(self):
        return xml_safe(self.cleaned_data["reasons"])


class AssignForm(forms.Form):
    appraiser = forms.ModelChoiceField(
        label=gettext_lazy("Giao cho cán bộ thẩm định"),
        queryset=None,
        error_messages={"required": gettext_lazy("Cần chọn cán bộ thẩm định.")},
    )

    def __init__(self, *args, appraisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appraiser"].queryset = appraisers
        self.fields["appraiser"].label_from_instance = lambda u: u.full_name or u.get_username()


class AnswerForm(forms.Form):
    ACCEPT, REJECT = "accept", "reject"
    outcome = forms.ChoiceField(
        label=gettext_lazy("Kết quả xem xét"),
        choices=[
            (ACCEPT, gettext_lazy("Chấp nhận: thẩm định lại các chỉ tiêu được kiến nghị")),
            (REJECT, gettext_lazy("Không chấp nhận: giữ nguyên kết quả")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Cần chọn chấp nhận hoặc không chấp nhận.")},
    )
    answer = forms.CharField(
        label=gettext_lazy("Nội dung trả lời"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Lý do chấp nhận hoặc không chấp nhận; xã đọc được nội dung này."),
        error_messages={"required": gettext_lazy("Cần ghi nội dung trả lời.")},
    )

    def clean_answer(self):
        return xml_safe(self.cleaned_data["answer"])
