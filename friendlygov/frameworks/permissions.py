"""Who may do what with framework versions. Provincial administrators are staff for now; the
accounts app's role grants will replace `is_staff` here, and only here."""

from django.db.models import QuerySet

from .models import FrameworkVersion


def can_manage(user) -> bool:
    """Upload, edit and publish framework versions."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def viewable_versions(user) -> QuerySet[FrameworkVersion]:
    """Drafts only for administrators; published versions for everyone (the API is public)."""
    versions = FrameworkVersion.objects.all()
    if can_manage(user):
        return versions
    return versions.filter(status=FrameworkVersion.Status.PUBLISHED)


def can_view(user, version: FrameworkVersion) -> bool:
    return version.is_published or can_manage(user)
