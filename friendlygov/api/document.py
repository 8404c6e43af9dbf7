"""The OpenAPI document as client generators need it (docs/api.md, "The document").

ninja writes most of it from the operations; this module settles what a generator would otherwise
guess or warn about:
- short operationIds (`listResults`, `patchScore`): the operation's function name in camelCase;
- one tag per resource, each with a description;
- public operations marked as such: `security: []`, also where a token or session shows more
  (said in the operation's description). OpenAPI's other way, the alternatives plus `{}`, makes
  openapi-python-client demand an authenticated client all the same;
- schema names that say what they are (`AssessmentStatus`, not `Status`), nothing unused;
- an example on every operation: the request body's (written below, for the operations that take
  one) and the success answer's, built from the answer's schema and its fields' examples.
"""

import copy
import re

from django.utils.translation import get_language
from ninja import NinjaAPI

from .auth import anyone

TAGS = [
    {"name": "units", "description": "Administrative units valid on a date and their lineage (public)."},
    {"name": "frameworks", "description": "Assessment frameworks: criteria, indicators, bands and gates."},
    {"name": "cycles", "description": "The yearly cycles you can see anything in, with their deadlines."},
    {
        "name": "results",
        "description": "A cycle's levels against its targets and one line per unit; public once every "
        "unit of the cycle is decided.",
    },
    {
        "name": "assessments",
        "description": "Self-assessment and appraisal of one unit in one cycle: scores, flags, bonus and "
        "every workflow step.",
    },
    {
        "name": "appraisal",
        "description": "The appraiser's review on the indicator: accept the commune's value, change it "
        "with a comment, write the explanation requests the next round sends; communes given to "
        "appraisers, and taken over by the head.",
    },
    {"name": "evidence", "description": "Evidence files attached to an assessment's indicators."},
    {"name": "decisions", "description": "Recognition decisions: draft, issue, download as .docx or PDF."},
    {"name": "feedback", "description": "Citizen survey results per unit and per cycle (comments never)."},
    {
        "name": "reviews",
        "description": "Review requests (kiến nghị) on an appraisal result or a decision: filed by the "
        "commune, assigned and answered by the appraising body.",
    },
    {"name": "events", "description": "The change feed, read from the audit trail (cursor-paged)."},
    {"name": "webhooks", "description": "A service account's webhook subscriptions and their deliveries."},
]

# Generic names that ninja takes from the Django choices classes.
SCHEMA_NAMES = {"Status": "AssessmentStatus", "Kind": "DecisionKind", "State": "DecisionState"}

# The request body of each operation that takes one, as a program would send it.
REQUEST_EXAMPLES = {
    "patchScore": {"version": 3, "self_value": "4.5", "explanation": "Biên bản niêm yết số 12/BB"},
    "putFlags": {"layer": "self", "flags": {"V1": False}, "bonus": {"TH1": "1.5", "TH2": None}},
    "returnForExplanation": {"reasons": {"1.1.2": "Thiếu biên bản niêm yết"}},
    "changeIndicator": {"version": 4, "appraised_value": "3", "comment": "Chỉ niêm yết 3 trong 4 tháng."},
    "writeExplanationRequest": {"reason": "Bổ sung biên bản niêm yết tháng 3."},
    "assignAppraiser": {"assessment_ids": [431, 432], "appraiser": "tham-dinh-01"},
    "respondToRequest": {"response": "Đã bổ sung biên bản niêm yết số 12/BB ngày 03/3."},
    "draftDecision": {
        "body_id": 2,
        "assessment_ids": [431, 432],
        "signed_on": "2025-12-15",
        "signer_name": "Nguyễn Văn A",
        "legal_bases": ["Căn cứ Quyết định số 25/2021/QĐ-TTg ngày 22/7/2021 của Thủ tướng Chính phủ;"],
        "kind": "recognition",
    },
    "changeDraft": {"signed_on": "2025-12-16", "number": "05/QĐ-SNV"},
    "issueDecision": {"number": "05/QĐ-SNV", "signed_on": "2025-12-16"},
}


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


class FriendlyApi(NinjaAPI):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._documents: dict[tuple, dict] = {}

    def get_openapi_operation_id(self, operation) -> str:
        return operation.operation_id or camel_case(operation.view_func.__name__)

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """Built once per process, prefix and language: the operations are fixed once the URLs are
        loaded, and building walks every schema (seconds of CPU). Each caller gets its own copy."""
        key = (path_prefix, tuple(sorted((path_params or {}).items())), get_language())
        if key not in self._documents:
            self._documents[key] = self._document(path_prefix=path_prefix, path_params=path_params)
        return copy.deepcopy(self._documents[key])

    def _document(self, *, path_prefix, path_params) -> dict:
        document = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        operations = {
            self.get_openapi_operation_id(operation): operation
            for _prefix, router in self._routers
            for path_view in router.path_operations.values()
            for operation in path_view.operations
            if operation.include_in_schema
        }
        document["tags"] = TAGS
        _rename_schemas(document, SCHEMA_NAMES)
        schemas = document["components"]["schemas"]
        for item in document["paths"].values():
            for method, described in item.items():
                operation = operations[described["operationId"]]
                _mark_public(described, operation)
                _add_examples(described, schemas)
                _describe_statuses(described, method)
        _drop_unused(document)
        return document


OPTIONAL = (
    "Public: no token needed. With a token (or the browser's session) the caller is recognised and "
    "may see more; a token that is revoked, expired or unknown is refused with 401."
)


def _mark_public(described: dict, operation) -> None:
    if anyone in operation.auth_callbacks:
        described["security"] = []
        described["description"] = f"{described.get('description', '').strip()}\n\n{OPTIONAL}".strip()
    elif "security" not in described:  # ninja writes it for the operations that authenticate
        described["security"] = []


def _add_examples(described: dict, schemas: dict) -> None:
    body = described.get("requestBody", {}).get("content", {}).get("application/json")
    if body is not None:
        body["example"] = REQUEST_EXAMPLES.get(described["operationId"]) or _example(body["schema"], schemas)
    for status, response in described["responses"].items():
        if not str(status).startswith("2"):
            continue
        for media in response.get("content", {}).values():
            schema = media.get("schema", {})
            if schema.get("format") != "binary":
                media["example"] = _example(schema, schemas)


# What each error status means, on every operation that can answer it (docs/api.md, "Errors").
STATUS_DESCRIPTIONS = {
    "400": "The body cannot be read (not JSON, or not a form where a file is uploaded): `malformed`",
    "401": "No token or session, or a token revoked, expired or unknown: `not_authenticated`",
    "403": "Your role may not do this, or a service token outside its scopes: `permission_denied`",
    "404": "It does not exist or you may not see it: `not_found`",
    "405": "The path does not offer this method: `method_not_allowed`, the path's methods in `Allow` "
    "and `details`",
    "409": "Someone saved first, the result changed, the workflow does not allow it now, or it is issued",
    "412": "If-Match is not the assessment's current version: `precondition_failed`, nothing was done",
    "422": "The input breaks a rule: `invalid_payload` (a parameter or field), or the service's own code",
    "429": "Past a rate limit: `throttled`; wait the seconds in `Retry-After`",
    "503": "The PDF cannot be made right now: `pdf_unavailable` (the .docx still works)",
}
STATUS_HEADERS = {
    "405": {"Allow": {"description": "The methods the path offers", "schema": {"type": "string"}}},
    "429": {"Retry-After": {"description": "Seconds to wait", "schema": {"type": "integer"}}},
}
NOT_MODIFIED = {
    "description": "Not Modified: the answer is still the one whose `ETag` you sent in `If-None-Match` "
    "(no body)"
}


def _describe_statuses(described: dict, method: str) -> None:
    """Error statuses say when they happen; every read may answer 304 to If-None-Match (sync.py)."""
    responses = described["responses"]
    for status, response in responses.items():
        if str(status) in STATUS_DESCRIPTIONS:
            response["description"] = STATUS_DESCRIPTIONS[str(status)]
        if str(status) in STATUS_HEADERS:
            response["headers"] = STATUS_HEADERS[str(status)]
    if method == "get":
        responses["304"] = NOT_MODIFIED


def _example(schema: dict, schemas: dict, depth: int = 0):
    """A value that fits `schema`: its own example where it has one, else built from its parts."""
    if "$ref" in schema:
        return _example(schemas[schema["$ref"].rsplit("/", 1)[1]], schemas, depth)
    for key in ("example", "default"):
        if schema.get(key) is not None:
            return schema[key]
    if schema.get("examples"):
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for combined in ("oneOf", "anyOf", "allOf"):
        if combined in schema:
            choices = [choice for choice in schema[combined] if choice.get("type") != "null"]
            return _example(choices[0], schemas, depth) if choices else None
    kind = schema.get("type")
    if kind == "object":
        if depth > 4:
            return {}
        return {
            name: _example(field, schemas, depth + 1) for name, field in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [] if depth > 4 else [_example(schema.get("items", {}), schemas, depth + 1)]
    return _SCALARS.get(schema.get("format") or kind)


_SCALARS = {
    "date": "2025-07-01",
    "date-time": "2025-07-01T08:30:00+07:00",
    "integer": 1,
    "number": 1,
    "boolean": False,
    "string": "…",
}


def _rename_schemas(document: dict, names: dict[str, str]) -> None:
    schemas = document["components"]["schemas"]
    for old, new in names.items():
        if old in schemas:
            schemas[new] = schemas.pop(old)
            schemas[new]["title"] = new
    text_refs = {f"#/components/schemas/{old}": f"#/components/schemas/{new}" for old, new in names.items()}
    _replace_refs(document, text_refs)


def _replace_refs(node, refs: dict[str, str]) -> None:
    if isinstance(node, dict):
        if node.get("$ref") in refs:
            node["$ref"] = refs[node["$ref"]]
        for value in node.values():
            _replace_refs(value, refs)
    elif isinstance(node, list):
        for value in node:
            _replace_refs(value, refs)


REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _drop_unused(document: dict) -> None:
    """Schemas nothing refers to (ninja's `Input` of the paged lists) would become unused models."""
    schemas = document["components"]["schemas"]
    outside = copy.deepcopy({key: value for key, value in document.items() if key != "components"})
    wanted = set(REF.findall(repr(outside).replace("'", '"')))
    seen: set[str] = set()
    while wanted - seen:
        name = (wanted - seen).pop()
        seen.add(name)
        wanted |= set(REF.findall(repr(schemas.get(name, {})).replace("'", '"')))
    for name in list(schemas):
        if name not in seen:
            del schemas[name]
