"""Who may do what with framework versions: province administrators keep them."""

from django.db.models import QuerySet

from friendlygov.accounts.reach import is_province_admin

from .models import FrameworkVersion


def can_manage(user) -> bool:
    """Upload, edit and publish framework versions."""
    return is_province_admin(user)


def viewable_versions(user) -> QuerySet[FrameworkVersion]:
    """Drafts only for administrators; published versions for everyone (the API is public)."""
    versions = FrameworkVersion.objects.all()
    if can_manage(user):
        return versions
    return versions.filter(status=FrameworkVersion.Status.PUBLISHED)


def can_view(user, version: FrameworkVersion) -> bool:
    return version.is_published or can_manage(user)
