from django import forms
from django.utils.translation import gettext_lazy as _

from friendlygov.accounts.models import Role
from friendlygov.assessments.models import AppraisingBody, Cycle
from friendlygov.core.dates import DayField

BY_LINEAGE, BY_LIST = "lineage", "list"


class CycleSettingsForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt đánh giá"), max_length=200)
    self_assessment_opens = DayField(label=_("Mở tự đánh giá"))
    self_assessment_closes = DayField(label=_("Hạn tự đánh giá"))
    appraisal_deadline = DayField(label=_("Hạn thẩm định"))
    decision_from = DayField(label=_("Ra quyết định từ ngày"))
    decision_until = DayField(label=_("Ra quyết định đến ngày"))
    max_explanation_rounds = forms.IntegerField(
        label=_("Số vòng giải trình tối đa"), min_value=1, max_value=5
    )
    explanation_days = forms.IntegerField(label=_("Số ngày giải trình mỗi vòng"), min_value=1, max_value=60)
    late_allowed = forms.BooleanField(
        label=_("Cho phép nộp muộn (hồ sơ quá hạn được làm tiếp và bị ghi là muộn)"), required=False
    )


class BodyForm(forms.ModelForm):
    class Meta:
        model = AppraisingBody
        fields = [
            "name",
            "governing_body",
            "issuing_authority",
            "place_name",
            "issued_as",
            "signer_title",
            "signing_on_behalf",
            "deputy_title",
            "signing_mode",
            "decision_symbol",
            "proposed_by",
            "recipients",
        ]
        widgets = {"recipients": forms.Textarea(attrs={"rows": 3}), "proposed_by": forms.TextInput()}


class WizardForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Sao chép từ đợt"), queryset=Cycle.objects.none(), empty_label=None
    )
    year = forms.IntegerField(label=_("Năm của đợt mới"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Tên đợt mới"), max_length=200, required=False)
    scope_by = forms.ChoiceField(
        label=_("Chọn phạm vi theo"),
        choices=[(BY_LINEAGE, _("Các đơn vị hình thành từ một đơn vị")), (BY_LIST, _("Danh sách mã đơn vị"))],
        widget=forms.RadioSelect,
        initial=BY_LINEAGE,
    )
    root = forms.ChoiceField(label=_("Hình thành từ đơn vị"), required=False)
    codes = forms.CharField(
        label=_("Mã đơn vị cấp xã"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Mỗi mã cách nhau bởi dấu phẩy, dấu cách hoặc xuống dòng."),
    )

    def __init__(self, *args, cycles, roots, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = cycles
        self.fields["root"].choices = [(unit.pk, label) for unit, label in roots]

    def clean(self):
        data = super().clean()
        if data.get("scope_by") == BY_LINEAGE and not data.get("root"):
            self.add_error("root", _("Hãy chọn đơn vị."))
        if data.get("scope_by") == BY_LIST and not data.get("codes", "").strip():
            self.add_error("codes", _("Hãy nhập ít nhất một mã đơn vị."))
        return data


class PeopleUploadForm(forms.Form):
    file = forms.FileField(label=_("Tệp Excel (.xlsx) danh sách người dùng"))


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Vai trò"), choices=Role.choices)
    unit = forms.CharField(label=_("Mã đơn vị"), max_length=8)
    year = forms.IntegerField(
        label=_("Năm đánh giá"),
        min_value=2000,
        max_value=2100,
        required=False,
        help_text=_("Để trống: mọi năm"),
    )
