"""The admin is for system administrators only (superusers); officials use the app's pages,
which go through the services and the scoping."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from hoiso.reporting.models import Indicator, Period, PeriodCutOff


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "measure", "rollup", "source", "active", "unit")
    search_fields = ("code", "name")
    list_filter = ("source", "measure", "active")
    readonly_fields = ("unit", "unit_path")


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ("kind", "year", "number", "counts_from", "cut_off")
    list_filter = ("kind", "year")


@admin.register(PeriodCutOff)
class PeriodCutOffAdmin(admin.ModelAdmin):
    list_display = ("kind", "day", "updated_at")
