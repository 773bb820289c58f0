"""The admin is for system administrators only (superusers); officials use the app's pages,
which go through the services and the scoping."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoiso.org.models import AdministrativeArea, Position, Restructuring, Unit


@admin.register(AdministrativeArea)
class AdministrativeAreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "province")
    search_fields = ("code", "name", "name_folded")
    list_filter = ("level",)


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "active_from", "active_to")
    search_fields = ("name", "code", "name_folded")
    list_filter = ("kind",)
    readonly_fields = ("path", "depth", "parent")

    def has_add_permission(self, request):
        return False  # units are created through the app, which writes the path and the audit log

    def has_delete_permission(self, request, obj=None):
        return False  # units are never deleted


@admin.register(Restructuring)
class RestructuringAdmin(admin.ModelAdmin):
    list_display = ("summary", "kind", "effective_on", "created_at")
    readonly_fields = [f.name for f in Restructuring._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
