"""The whole yearly cycle through the API alone, each role a program holding a token, records the
same audit trail as the same story told through the pages (the browser's path).

The page story runs first inside a savepoint that is rolled back; its events are the reference,
so the comparison follows the services instead of a list written down here."""

import io
from decimal import Decimal

import docx
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from friendlygov.assessments.models import Decision
from friendlygov.assessments.testing import VALUES, approval_day, confirmed
from friendlygov.assessments.workflow import Status
from friendlygov.audit.models import AuditEvent

from .conftest import criteria_of, small_pdf

API = "/api/v1"
EXPLANATION = "Hồ sơ lưu tại văn phòng UBND xã."
DECISION = {
    "number": "15/QĐ-UBND",
    "signed_on": "2025-01-15",
    "signer_name": "Nguyễn Văn A",
    "legal_bases": "Căn cứ Luật Tổ chức chính quyền địa phương",
}


def value_for(score) -> str:
    value = VALUES[score.indicator.method]
    if score.indicator.method == "manual":
        value = min(value, score.indicator.max_points)
    return str(value)


def pdf():
    return SimpleUploadedFile("bien-ban.pdf", small_pdf(), content_type="application/pdf")


def done(response, *statuses):
    assert response.status_code in (statuses or (200,)), (response.status_code, response.content[:500])
    return response


class Pages:
    """Each step as the browser sends it: the forms of the assessment and decision pages."""

    def __init__(self, people):
        self.people = people

    def post(self, who, name, args, data=None):
        return done(self.people[who].post(reverse(name, args=args), data or {}), 200, 302)

    def save_self(self, a, score, value):
        data = {"self_value": value, "explanation": EXPLANATION, "version": score.version}
        self.post("officer", "assessments:save_self", [a.pk, score.pk], data)

    def upload(self, a, score):
        self.post("officer", "assessments:upload", [a.pk, score.pk], {"file": pdf()})

    def submit(self, a):
        self.post("chair", "assessments:submit", [a.pk], confirmed(a, "submit"))

    def copy_self(self, a):
        for code in criteria_of(a):
            ids = list(a.scores.filter(indicator__criterion__code=code).values_list("pk", flat=True))
            self.post("appraiser", "assessments:accept", [a.pk], {"ids": ids})

    def return_one(self, a, score, reason):
        pick = score.indicator_id
        self.post("appraiser", "assessments:return", [a.pk], {f"pick_{pick}": "1", f"reason_{pick}": reason})

    def respond(self, a, request, text):
        self.post("officer", "assessments:respond", [a.pk, request.pk], {"response": text})

    def resubmit(self, a):
        self.post("officer", "assessments:resubmit", [a.pk])

    def save_appraised(self, a, score, value, comment):
        data = {"appraised_value": value, "appraisal_comment": comment, "version": score.version}
        self.post("appraiser", "assessments:save_appraised", [a.pk, score.pk], data)

    def approve(self, a):
        with approval_day():
            self.post("appraiser", "assessments:approve", [a.pk], confirmed(a, "approve"))

    def draft(self, a):
        self.post("head", "assessments:decision_new", [a.body_id], {**DECISION, "assessments": [a.pk]})
        return Decision.objects.get(number=DECISION["number"]).pk

    def issue(self, decision_id):
        self.post("head", "assessments:decision_issue", [decision_id])

    def docx(self, decision_id):
        url = reverse("assessments:decision_docx", args=[decision_id])
        return done(self.people["officer"].get(url)).content


class Api:
    """The same steps as a program sends them: JSON with a bearer token, no cookie, no CSRF."""

    def __init__(self, programs):
        self.programs = programs

    def call(self, who, method, path, data=None, status=200):
        client = self.programs[who]
        if method == "post" and isinstance(data, dict) and "file" in data:
            return done(client.post(f"{API}{path}", data), status).json()
        response = getattr(client, method)(f"{API}{path}", data or {}, content_type="application/json")
        return done(response, status).json()

    def save_self(self, a, score, value):
        data = {"version": score.version, "self_value": value, "explanation": EXPLANATION}
        self.call("officer", "patch", f"/assessments/{a.pk}/scores/{score.indicator.code}", data)

    def upload(self, a, score):
        data = {"indicator_code": score.indicator.code, "file": pdf()}
        self.call("officer", "post", f"/assessments/{a.pk}/evidence", data, status=201)

    def submit(self, a):
        self.call("chair", "post", f"/assessments/{a.pk}/submit")

    def copy_self(self, a):
        for code in criteria_of(a):
            self.call("appraiser", "post", f"/assessments/{a.pk}/copy-self-to-appraisal?criterion={code}")

    def return_one(self, a, score, reason):
        data = {"reasons": {score.indicator.code: reason}}
        self.call("appraiser", "post", f"/assessments/{a.pk}/return", data)

    def respond(self, a, request, text):
        self.call("officer", "post", f"/assessments/{a.pk}/explanations/{request.pk}", {"response": text})

    def resubmit(self, a):
        self.call("officer", "post", f"/assessments/{a.pk}/resubmit")

    def save_appraised(self, a, score, value, comment):
        data = {"version": score.version, "appraised_value": value, "appraisal_comment": comment}
        self.call("appraiser", "patch", f"/assessments/{a.pk}/scores/{score.indicator.code}", data)

    def approve(self, a):
        with approval_day():
            self.call("appraiser", "post", f"/assessments/{a.pk}/approve")

    def draft(self, a):
        data = {
            **DECISION,
            "body_id": a.body_id,
            "assessment_ids": [a.pk],
            "legal_bases": [DECISION["legal_bases"]],
        }
        return self.call("head", "post", "/decisions", data, status=201)["id"]

    def issue(self, decision_id):
        self.call("head", "post", f"/decisions/{decision_id}/issue")

    def docx(self, decision_id):
        response = self.programs["officer"].get(f"{API}/decisions/{decision_id}/docx")
        return done(response).content


def tell_the_story(drive, a) -> list[tuple[str, str, str]]:
    """Fill → submit → appraise, returning one indicator → explain → resubmit → approve → draft
    the decision → issue → download the .docx. Returns the audit events it recorded."""
    first = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def status_is(expected):
        a.refresh_from_db()
        assert a.status == expected

    def fresh(score):
        score.refresh_from_db()
        return score

    scores = list(a.scores.select_related("indicator").order_by("indicator__order", "pk"))
    for score in scores:
        drive.save_self(a, score, value_for(score))
    assert all(fresh(s).self_value is not None or fresh(s).self_na for s in scores)
    drive.upload(a, next(s for s in scores if s.indicator.evidence.strip()))
    drive.submit(a)
    status_is(Status.SUBMITTED)
    drive.copy_self(a)
    status_is(Status.UNDER_APPRAISAL)
    manual = next(s for s in scores if s.indicator.method == "manual")
    drive.return_one(a, manual, "Thiếu biên bản niêm yết.")
    status_is(Status.RETURNED)
    (request,) = a.explanation_requests.all()
    drive.respond(a, request, "Đã bổ sung biên bản.")
    drive.resubmit(a)
    status_is(Status.RESUBMITTED)
    drive.save_appraised(a, fresh(manual), "2", "Chỉ niêm yết một phần.")
    drive.approve(a)
    status_is(Status.APPRAISED)
    assert a.final_score < a.self_score
    decision_id = drive.draft(a)
    drive.issue(decision_id)
    status_is(Status.RECOGNISED if a.final_level else Status.NOT_RECOGNISED)
    document = docx.Document(io.BytesIO(drive.docx(decision_id)))
    assert DECISION["number"] in "\n".join(p.text for p in document.paragraphs)
    return list(
        AuditEvent.objects.filter(pk__gt=first)
        .order_by("pk")
        .values_list("event_type", "actor_name", "target_type")
    )


def test_the_whole_cycle_through_the_api_with_tokens_records_what_the_pages_record(
    dong_cam, people, programs
):
    with transaction.atomic():
        through_pages = tell_the_story(Pages(people), dong_cam)
        transaction.set_rollback(True)
    dong_cam.refresh_from_db()
    assert dong_cam.status == Status.DRAFT and not Decision.objects.exists()

    through_api = tell_the_story(Api(programs), dong_cam)

    assert through_api == through_pages
    every_step = {
        "score.self_saved",
        "evidence.uploaded",
        "assessment.submit",
        "assessment.start_appraisal",
        "score.appraised_saved",
        "assessment.return",
        "explanation.responded",
        "assessment.resubmit",
        "assessment.approve",
        "decision.drafted",
        "decision.issued",
    }
    assert every_step <= {event for event, _, _ in through_api}, "a step left no trace: nothing compared"
    actors = {actor for _, actor, _ in through_api}
    assert actors == {people[who].user.username for who in ("officer", "chair", "appraiser", "head")}
    assert Decimal(dong_cam.final_score) < Decimal(dong_cam.self_score)
