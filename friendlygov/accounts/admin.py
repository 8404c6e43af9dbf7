from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from friendlygov.units.admin import VersionLabelledUnits

from .models import RoleGrant, User


class RoleGrantInline(VersionLabelledUnits, admin.TabularInline):
    model = RoleGrant
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleGrantInline]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Hồ sơ"), {"fields": ("full_name",)}))
    list_display = ("username", "full_name", "email", "is_staff", "is_active")
