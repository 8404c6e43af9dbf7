"""System checks of the project's own production settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, register

from .server import planned_workers, unshared_limits


@register(Tags.caches, deploy=True)
def shared_cache_for_limits(app_configs, **kwargs):
    problem = unshared_limits(planned_workers(), settings.CACHES)
    return [Error(problem, id="friendlygov.E001")] if problem else []
