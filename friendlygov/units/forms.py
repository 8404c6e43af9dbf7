from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class TreeForm(forms.Form):
    date = forms.DateField(label=_("Ngày"), required=False, widget=DateInput())
    province = forms.ChoiceField(label=_("Tỉnh, thành phố"), required=False)

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [(p.code, p.name) for p in provinces]

    def day(self):
        """The chosen date, or today when none (or a malformed one) was given."""
        self.is_valid()
        return self.cleaned_data.get("date") or timezone.localdate()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Tên đơn vị"), required=False, max_length=100)
    date = forms.DateField(
        label=_("Còn hiệu lực vào ngày"),
        required=False,
        widget=DateInput(attrs={"aria-describedby": "date-help"}),
        help_text=_("Để trống để tìm trong mọi thời kỳ."),
    )
