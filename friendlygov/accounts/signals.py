"""A role grant saved or deleted moves its user's grants version on (accounts/reach.py), so that
no process keeps using the grants it read before."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import RoleGrant
from .reach import grants_changed


@receiver(post_save, sender=RoleGrant)
@receiver(post_delete, sender=RoleGrant)
def _grants_of_user_changed(sender, instance, **kwargs):
    grants_changed([instance.user_id])
    if RoleGrant._meta.get_field("user").is_cached(instance):  # the same person, in memory
        instance.user.grants_version += 1
