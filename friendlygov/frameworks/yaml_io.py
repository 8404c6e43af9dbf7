"""Framework documents in YAML: parse and check (errors carry file, line and path), and export.

`parse_framework(text, filename)` returns a checked `FrameworkDocument` or raises
`FrameworkFileError` listing every problem; it never touches the database. The rules are those of
`documents.check_document`, shared with the Excel workbook.
"""

from dataclasses import dataclass
from decimal import Decimal

import yaml
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .documents import FrameworkDocument, check_document, path_text

__all__ = ["FrameworkDocument", "FrameworkFileError", "Problem", "dump_document", "parse_framework"]

# --- Errors -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    filename: str
    line: int | None
    column: int | None
    path: str
    reason: str

    def __str__(self):
        where = self.filename
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.path + ': ' if self.path else ''}{self.reason}"


class FrameworkFileError(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _node_at(root: yaml.Node | None, loc: tuple) -> yaml.Node | None:
    """The deepest YAML node along `loc` (pydantic's error location)."""
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            match = node.value[part]
        else:
            match = None
        if match is None:
            break
        node = match
    return node


class YamlLocator:
    """Names a document path by its YAML path and the line and column of its node."""

    def __init__(self, filename: str, root: yaml.Node | None):
        self.filename, self.root, self.items = filename, root, []

    def add(self, loc: tuple, reason: str) -> None:
        node = _node_at(self.root, loc)
        line = node.start_mark.line + 1 if node is not None else None
        column = node.start_mark.column + 1 if node is not None else None
        self.items.append(Problem(self.filename, line, column, path_text(loc), reason))

    def name(self, loc: tuple) -> str:
        return path_text(loc)

    def has_problems(self) -> bool:
        return bool(self.items)


# --- Syntax errors in words ---------------------------------------------------------------------

# PyYAML's problem texts ("expected the node content, but found '<stream end>'") mean nothing to an
# official: each known one becomes what to look for. Matched on a fragment, most specific first.
SYNTAX_REASONS = [
    (
        "cannot start any token",
        gettext_lazy("Có ký tự tab hoặc ký tự đặc biệt ở đầu; YAML chỉ thụt lề bằng dấu cách."),
    ),
    (
        "mapping values are not allowed",
        gettext_lazy(
            "Dấu hai chấm đặt sai chỗ: thụt lề sai, hoặc một giá trị có “: ” cần đặt trong dấu nháy."
        ),
    ),
    ("could not find expected ':'", gettext_lazy("Thiếu dấu hai chấm sau tên khóa.")),
    ("expected ',' or ']'", gettext_lazy("Thiếu dấu phẩy, hoặc ngoặc vuông “[” chưa được đóng bằng “]”.")),
    ("expected ',' or '}'", gettext_lazy("Thiếu dấu phẩy, hoặc ngoặc nhọn “{” chưa được đóng bằng “}”.")),
    ("found unexpected end of stream", gettext_lazy("Dấu nháy đã mở nhưng chưa đóng.")),
    (
        "<stream end>",
        gettext_lazy(
            "Tệp kết thúc khi còn thiếu nội dung: một khóa chưa có giá trị hoặc một ngoặc chưa đóng."
        ),
    ),
    (
        "expected <block end>",
        gettext_lazy("Thụt lề không khớp với các dòng phía trên (kiểm tra số dấu cách đầu dòng)."),
    ),
    ("undefined alias", gettext_lazy("Tham chiếu *tên tới một neo &tên không có trong tệp.")),
    ("found duplicate anchor", gettext_lazy("Tên neo &tên bị dùng hai lần.")),
]
SYNTAX_FALLBACK = gettext_lazy(
    "Cấu trúc YAML không hợp lệ (kiểm tra thụt lề, dấu hai chấm, ngoặc và dấu nháy)."
)


def syntax_problem(error: yaml.YAMLError, filename: str) -> Problem:
    """A YAML syntax error as a Vietnamese reason at its line and column, never PyYAML's English."""
    mark = getattr(error, "problem_mark", None)
    text = str(getattr(error, "problem", "") or "")
    explanation = next((reason for fragment, reason in SYNTAX_REASONS if fragment in text), SYNTAX_FALLBACK)
    reason = _("Lỗi cú pháp YAML: %(problem)s") % {"problem": explanation}
    context = getattr(error, "context_mark", None)
    if context is not None and mark is not None and context.line != mark.line:
        reason += " " + _("(phần này bắt đầu ở dòng %(line)s)") % {"line": context.line + 1}
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(filename, line, column, "", reason)


# --- Loading ------------------------------------------------------------------------------------


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """Reads YAML floats as Decimal from their text, so 0.1 stays exactly 0.1. It parses with
    libyaml where PyYAML was built with it (the wheels are): a framework file reads about ten times
    faster than with the pure-Python parser, with the same nodes and marks; a syntax error is
    described by the pure-Python parser (`_described`)."""


_DecimalLoader.add_constructor(
    "tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node).replace("_", ""))
)


def _described(error: yaml.YAMLError, text: str) -> yaml.YAMLError:
    """The pure-Python parser's account of a syntax error: libyaml words some errors differently
    (a tab or an unclosed bracket), and SYNTAX_REASONS explains PyYAML's words."""
    try:
        yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as described:
        return described
    return error


def parse_framework(text: str, filename: str) -> FrameworkDocument:
    try:
        loader = _DecimalLoader(text)  # the pure-Python reader refuses unprintable characters here
        try:
            # One parse: the nodes keep each value's line and column for the problems found later.
            root = loader.get_single_node()
            data = None if root is None else loader.construct_document(root)
        finally:
            loader.dispose()
    except yaml.YAMLError as error:
        raise FrameworkFileError([syntax_problem(_described(error, text), filename)]) from None
    locator = YamlLocator(filename, root)
    if data is None:
        locator.add((), _("Tệp trống (hoặc chỉ có chú thích)."))
        raise FrameworkFileError(locator.items)
    document = check_document(data, locator)
    if document is None:
        raise FrameworkFileError(locator.items)
    return document


# --- Export -------------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


def _represent_decimal(dumper, value: Decimal):
    text = format(value.normalize(), "f")
    if "." not in text:
        return dumper.represent_int(int(text))
    return dumper.represent_scalar("tag:yaml.org,2002:float", text)


_Dumper.add_representer(Decimal, _represent_decimal)


def dump_document(data: dict) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100)
