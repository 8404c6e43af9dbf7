"""The django-tasks entry points. Arguments are plain ids: the database backend stores them as JSON."""

from django_tasks import task

from . import services


@task()
def run_job(job_id: int) -> str:
    return services.run_job(job_id).state
