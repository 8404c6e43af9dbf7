"""Who may start, follow and download a job: the job's own requester, and only while they may
still see what the job contains (the same policy as the pages the job was started from)."""

from friendlygov.assessments import permissions as assessment_permissions
from friendlygov.feedback import permissions as feedback_permissions

from .models import Kind


def decisions_for(user, cycle, body=None) -> list:
    """The decisions of `cycle` the user may download, as on the decisions page: issued ones, and
    drafts only for the heads who may issue them."""
    decisions = assessment_permissions.decisions_visible_to(user).filter(cycle=cycle)
    if body is not None:
        decisions = decisions.filter(body=body)
    return list(
        decisions.select_related("cycle", "body", "supersedes").order_by("body__name", "signed_on", "pk")
    )


def may_export(user, cycle) -> bool:
    return assessment_permissions.visible(user).filter(cycle=cycle).exists()


def may_export_survey(user, cycle) -> bool:
    """Whether the user reads any survey results of `cycle` (the embargo applied)."""
    return feedback_permissions.results_scope(user, cycle).exists()


def may_see(user, job) -> bool:
    if not user.is_authenticated or job.created_by_id != user.pk:
        return False
    if job.kind == Kind.CYCLE_EXPORT:
        return may_export(user, job.cycle)
    if job.kind == Kind.SURVEY_EXPORT:
        return may_export_survey(user, job.cycle)
    return bool(decisions_for(user, job.cycle, job.body))


def visible_jobs(user):
    from .models import Job

    if not user.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(created_by=user).select_related("cycle", "body")
