from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 1024 * 1024


class FrameworkUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp YAML bộ tiêu chí"),
        help_text=_("Tệp .yaml theo mẫu của bộ tiêu chí mặc định (tải về từ trang chi tiết), tối đa 1 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Tệp lớn hơn 1 MB."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("Tệp phải là văn bản UTF-8.")) from None
        return upload
