"""Read-only admin views for support: study materials are written through the services only."""

from django.contrib import admin

from hoiso.studies.models import Learner, Material


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Material)
class MaterialAdmin(ReadOnly):
    list_display = ("title", "unit", "status", "deadline")
    list_filter = ("status",)
    search_fields = ("title",)


@admin.register(Learner)
class LearnerAdmin(ReadOnly):
    list_display = ("name", "material", "kind", "unit", "studied_at", "passed")
    list_filter = ("kind", "passed")
    raw_id_fields = ("material", "unit", "user", "member")
