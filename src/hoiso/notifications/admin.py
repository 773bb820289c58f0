from django.contrib import admin

from hoiso.notifications.models import DeliveryPreference, Notification, OutgoingMail


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient", "unit", "mail")
    search_fields = ("title", "recipient__username")


@admin.register(DeliveryPreference)
class DeliveryPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "email_mode", "updated_at")
    raw_id_fields = ("user",)


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    list_display = ("subject", "to_address", "status", "attempts", "next_attempt_at", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "subject")
    raw_id_fields = ("recipient",)
    readonly_fields = ("created_at", "sent_at")
