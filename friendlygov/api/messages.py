"""Input problems in the request's language: pydantic writes its messages in English, so each kind
of problem (`type`) the API can meet has its own translated message here, and a kind not listed
gets a general one rather than English text in a Vietnamese answer."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

DATE = gettext_lazy("Cần một ngày dạng YYYY-MM-DD.")
DECIMAL = gettext_lazy("Cần một số thập phân, ví dụ “4.5”.")
INTEGER = gettext_lazy("Cần một số nguyên.")
BOOLEAN = gettext_lazy("Cần true hoặc false.")
OBJECT = gettext_lazy("Cần một đối tượng JSON.")

PROBLEMS = {
    "missing": gettext_lazy("Thiếu trường bắt buộc."),
    "extra_forbidden": gettext_lazy("Trường này không được nhận."),
    "string_type": gettext_lazy("Cần một chuỗi ký tự."),
    "string_too_long": gettext_lazy("Dài quá %(max_length)s ký tự."),
    "string_too_short": gettext_lazy("Cần ít nhất %(min_length)s ký tự."),
    "string_pattern_mismatch": gettext_lazy("Không đúng định dạng (%(pattern)s)."),
    "int_type": INTEGER,
    "int_parsing": INTEGER,
    "int_parsing_size": INTEGER,
    "int_from_float": INTEGER,
    "greater_than": gettext_lazy("Cần lớn hơn %(gt)s."),
    "greater_than_equal": gettext_lazy("Cần lớn hơn hoặc bằng %(ge)s."),
    "less_than": gettext_lazy("Cần nhỏ hơn %(lt)s."),
    "less_than_equal": gettext_lazy("Cần nhỏ hơn hoặc bằng %(le)s."),
    "decimal_type": DECIMAL,
    "decimal_parsing": DECIMAL,
    "decimal_max_digits": gettext_lazy("Quá nhiều chữ số (tối đa %(max_digits)s)."),
    "decimal_max_places": gettext_lazy("Tối đa %(decimal_places)s chữ số sau dấu thập phân."),
    "decimal_whole_digits": gettext_lazy("Phần nguyên có quá nhiều chữ số."),
    "finite_number": gettext_lazy("Cần một số hữu hạn."),
    "float_parsing": DECIMAL,
    "float_type": DECIMAL,
    "bool_type": BOOLEAN,
    "bool_parsing": BOOLEAN,
    "date_type": DATE,
    "date_parsing": DATE,
    "date_from_datetime_parsing": DATE,
    "date_from_datetime_inexact": DATE,
    "enum": gettext_lazy("Giá trị không thuộc danh sách cho phép: %(expected)s."),
    "literal_error": gettext_lazy("Giá trị không thuộc danh sách cho phép: %(expected)s."),
    "list_type": gettext_lazy("Cần một danh sách."),
    "too_long": gettext_lazy("Quá nhiều phần tử (tối đa %(max_length)s)."),
    "too_short": gettext_lazy("Quá ít phần tử (ít nhất %(min_length)s)."),
    "dict_type": OBJECT,
    "model_type": OBJECT,
    "model_attributes_type": OBJECT,
    "json_invalid": gettext_lazy("Không phải JSON hợp lệ."),
    "union_tag_invalid": gettext_lazy("Giá trị không thuộc danh sách cho phép: %(expected_tags)s."),
}


def problem_message(problem: dict) -> str:
    """The message of one pydantic problem, translated. A `value_error` carries the message our
    own validators wrote (already translated); anything else is looked up by its kind."""
    context = problem.get("ctx") or {}
    if problem.get("type") == "value_error":
        return str(context["error"]) if "error" in context else str(problem.get("msg", ""))
    message = PROBLEMS.get(problem.get("type", ""))
    if message is None:
        return _("Giá trị không hợp lệ.")
    try:
        return str(message) % {key: str(value) for key, value in context.items()}
    except (KeyError, TypeError, ValueError):  # a context without the value the message names
        return _("Giá trị không hợp lệ.")
