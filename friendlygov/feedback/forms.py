"""The survey as a Django form, built from the form version's definition (so it works with
JavaScript off and validates on the server), plus the officer's paper-entry and N forms."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from friendlygov.core.dates import DayField
from friendlygov.core.numbers import WholeNumberField

from .services import MAX_POPULATION

HONEYPOT = "website"


def _scale_choices(definition):
    return [(str(point.value), point.text()) for point in definition.scale]


class SurveyAnswersForm(forms.Form):
    """One radio group per question (the overall one required), a comment, and a honeypot field
    that people never see; a program that fills every field gives itself away."""

    def __init__(self, definition, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        choices = _scale_choices(definition)
        for question in definition.questions:
            self.fields[question.code] = forms.ChoiceField(
                label=question.text(), choices=choices, widget=forms.RadioSelect, required=question.overall
            )
        self.fields["comment"] = forms.CharField(
            label=definition.comment.text(),
            required=False,
            max_length=2000,
            widget=forms.Textarea({"rows": 3}),
        )
        self.fields[HONEYPOT] = forms.CharField(label=_("Để trống ô này"), required=False)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def answers(self) -> tuple[str, dict[str, str]]:
        data = self.cleaned_data
        aspects = {q.code: data.get(q.code) for q in self.definition.aspects if data.get(q.code)}
        return data[self.definition.overall.code], aspects

    def question_fields(self):
        return [self[q.code] for q in self.definition.questions]


class PaperForm(SurveyAnswersForm):
    def __init__(self, definition, *args, **kwargs):
        super().__init__(definition, *args, **kwargs)
        del self.fields[HONEYPOT]
        self.fields["received_on"] = DayField(
            label=_("Ngày người dân điền phiếu"), initial=timezone.localdate
        )


class PopulationForm(forms.Form):
    population = WholeNumberField(
        label=_("Quy mô tổng thể N"),
        min_value=1,
        max_value=MAX_POPULATION,
        help_text=_("Ví dụ: số hồ sơ thủ tục hành chính xã đã giải quyết trong năm."),
    )
    basis = forms.CharField(label=_("Căn cứ (không bắt buộc)"), max_length=200, required=False)
