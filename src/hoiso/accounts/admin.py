from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from hoiso.accounts.models import Role, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, (None, {"fields": ("full_name", "phone")}))
    list_display = ("username", "full_name", "email", "is_active", "is_superuser")
    search_fields = ("username", "full_name", "email", "name_folded")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "role", "unit", "is_active", "granted_at")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "unit", "granted_by")
