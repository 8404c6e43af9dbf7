from django.db import transaction

from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import RoleGrant, User


@transaction.atomic
def ensure_demo_accounts() -> list[User]:
    """Create the demo accounts and their role grants once; a second run keeps them (and any
    password or name changed since). A grant whose unit is not loaded yet is left for a later run."""
    from friendlygov.units.models import UnitVersion

    loaded = set(
        UnitVersion.objects.filter(pk__in=[a.unit_id for a in DEMO_ACCOUNTS if a.unit_id]).values_list(
            "pk", flat=True
        )
    )
    users = []
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "full_name": account.full_name,
                "is_staff": account.is_staff,
                "is_superuser": account.is_superuser,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if account.unit_id in loaded:
            RoleGrant.objects.get_or_create(
                user=user, role=account.role, unit_id=account.unit_id, year=account.year
            )
        users.append(user)
    return users
