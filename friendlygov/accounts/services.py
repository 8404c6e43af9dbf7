from django.db import transaction

from .demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import User


@transaction.atomic
def ensure_demo_accounts() -> list[User]:
    """Create the demo accounts once; a second run keeps them (and any password changed since)."""
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
        users.append(user)
    return users
