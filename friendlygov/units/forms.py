from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from friendlygov.core.dates import DayField, DayInput


class TreeForm(forms.Form):
    date = DayField(label=_("Ngày"), required=False)
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
    date = DayField(
        label=_("Còn hiệu lực vào ngày"),
        required=False,
        widget=DayInput(attrs={"aria-describedby": "date-help"}),
        help_text=_("Để trống để tìm trong mọi thời kỳ."),
    )
