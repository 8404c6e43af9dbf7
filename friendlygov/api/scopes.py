"""What a service account's token may call: its scopes. A personal token has none and may call
whatever its user may do on the pages; a service token is refused (403 `permission_denied`, with
`details.required_scopes`) any operation outside its scopes, whatever its role grants would allow.

Scopes say which KINDS of operation; the units and bodies come from the service account's role
grants, read by the one permission policy (accounts/reach.py) like anyone's. So "writes the
self-assessment of commune 10804" is the scope `self-assessment:write` on a service account that
holds the commune officer role on 10804, and "drives the appraisal of a body" is `appraisal:write`
on one holding the appraiser role there.

Every operation is classified below (tests/test_service_tokens.py checks that no operation of the
OpenAPI document is left out); an unclassified path is refused to a service token."""

import json
import re

from django.utils.translation import gettext_lazy as _

SCOPES = {
    "results:read": _("Đọc kết quả, tổng hợp và quyết định"),
    "assessments:read": _("Đọc đợt, hồ sơ, điểm, tài liệu kiểm chứng và ý kiến người dân"),
    "events:read": _("Đọc dòng sự kiện"),
    "self-assessment:write": _("Tự đánh giá: lưu điểm, tài liệu, gửi, giải trình"),
    "appraisal:write": _("Thẩm định: lưu điểm thẩm định, trả lại, phê duyệt"),
    "decisions:write": _("Soạn và ban hành quyết định"),
    "webhooks:manage": _("Quản lý đăng ký webhook của chính tài khoản"),
}
# A write scope reads what it writes: a portal that pushes a self-assessment reads its versions.
IMPLIES = {
    "self-assessment:write": {"assessments:read"},
    "appraisal:write": {"assessments:read"},
    "decisions:write": {"results:read", "assessments:read"},
}
OPEN = "open"  # reference data every token may read: units, lineage, frameworks, the documents
SELF, APPRAISAL = "self-assessment:write", "appraisal:write"
BY_LAYER = "by-layer"  # the body says: the commune's fields or the appraiser's

APPRAISAL_FIELDS = {"appraised_value", "appraised_na", "appraisal_comment"}
SELF_FIELDS = {"self_value", "self_na", "explanation"}

# (methods, path under /api/v1/ as a regular expression, scope)
RULES = [
    ({"GET"}, r"(openapi\.json|docs)", OPEN),
    ({"GET"}, r"units(/[^/]+/lineage)?", OPEN),
    ({"GET"}, r"frameworks(/\d+)?", OPEN),
    ({"GET"}, r"cycles/\d+/(results|summary)", "results:read"),
    ({"GET"}, r"cycles(/\d+)?", "assessments:read"),
    ({"GET"}, r"assessments(/\d+(/evidence)?)?", "assessments:read"),
    ({"GET"}, r"evidence/\d+/download", "assessments:read"),
    ({"GET"}, r"feedback/(assessments|cycles)/\d+", "assessments:read"),
    ({"GET"}, r"decisions(/\d+(/docx|/pdf)?)?", "results:read"),
    ({"GET"}, r"events", "events:read"),
    ({"PATCH"}, r"assessments/\d+/scores/[^/]+", BY_LAYER),
    ({"POST"}, r"assessments/\d+/scores", BY_LAYER),
    ({"PUT"}, r"assessments/\d+/flags", BY_LAYER),
    ({"POST"}, r"assessments/\d+/evidence", SELF),
    ({"DELETE"}, r"evidence/\d+", SELF),
    ({"POST"}, r"assessments/\d+/(submit|resubmit|explanations/\d+)", SELF),
    ({"POST"}, r"assessments/\d+/(start-appraisal|return|approve|take-over)", APPRAISAL),
    ({"POST"}, r"assessments/\d+/copy-self-to-appraisal", APPRAISAL),
    ({"POST"}, r"assessments/\d+/scores/[^/]+/(accept|change)", APPRAISAL),
    ({"PUT", "DELETE"}, r"assessments/\d+/scores/[^/]+/explanation-request", APPRAISAL),
    ({"POST"}, r"assessments/assign", APPRAISAL),
    ({"POST"}, r"decisions(/\d+/issue)?", "decisions:write"),
    ({"PATCH"}, r"decisions/\d+", "decisions:write"),
    # Review requests (kiến nghị): the commune files and adds files; the appraising body answers.
    ({"GET"}, r"reviews(/\d+)?", "assessments:read"),
    ({"POST"}, r"reviews(/\d+/evidence)?", SELF),
    ({"POST"}, r"reviews/\d+/(assign|answer)", APPRAISAL),
    ({"GET", "POST"}, r"webhooks", "webhooks:manage"),
    ({"DELETE"}, r"webhooks/\d+", "webhooks:manage"),
    ({"GET"}, r"webhooks/\d+/deliveries", "webhooks:manage"),
]
_COMPILED = [(methods, re.compile(pattern + r"/?"), scope) for methods, pattern, scope in RULES]


def granted(scopes) -> set[str]:
    """The scopes a token holds, with those its write scopes imply."""
    held = set(scopes)
    for scope in list(held):
        held |= IMPLIES.get(scope, set())
    return held


def required(method: str, path: str, body: bytes = b"") -> set[str] | None:
    """The scopes an operation needs (empty: none), or None for a path no rule knows."""
    method = "GET" if method == "HEAD" else method
    for methods, pattern, scope in _COMPILED:
        if method in methods and pattern.fullmatch(path):
            if scope == OPEN:
                return set()
            if scope == BY_LAYER:
                return _by_layer(body)
            return {scope}
    return None


def _by_layer(body: bytes) -> set[str]:
    """A score save or the flags: the appraiser's fields (or layer) need `appraisal:write`, the
    commune's `self-assessment:write`; a body that mixes both needs both."""
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {SELF}  # the operation refuses it anyway (400); ask for the narrower scope
    if not isinstance(data, dict):
        return {SELF}
    needs = set()
    if ("flags" in data or "bonus" in data) and data.get("layer", "self") == "self":
        needs.add(SELF)
    rows = data.get("scores") if isinstance(data.get("scores"), list) else []
    for part in [data, *rows]:
        if not isinstance(part, dict):
            continue
        if part.get("layer") == "appraised" or APPRAISAL_FIELDS & set(part):
            needs.add(APPRAISAL)
        if SELF_FIELDS & set(part):
            needs.add(SELF)
    return needs or {SELF}


def missing(token_scopes, method: str, path: str, body: bytes = b"") -> list[str]:
    """The scopes a service token lacks for this request, sorted; ["*"] for a path no rule
    covers. Empty when it may go on."""
    needs = required(method, path, body)
    if needs is None:
        return ["*"]
    return sorted(needs - granted(token_scopes))
