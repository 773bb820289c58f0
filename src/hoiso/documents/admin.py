"""Read-only admin views for support: documents are written through the services only."""

from django.contrib import admin

from hoiso.documents.models import Delivery, IncomingDocument, OutgoingDocument


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OutgoingDocument)
class OutgoingDocumentAdmin(ReadOnly):
    list_display = ["symbol", "summary", "unit", "status", "issued_on"]
    list_filter = ["status", "doc_type"]
    search_fields = ["symbol", "search_folded"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["document", "unit", "read_at", "responded_at"]


@admin.register(IncomingDocument)
class IncomingDocumentAdmin(ReadOnly):
    list_display = ["entry_number", "year", "their_number", "sender", "unit", "received_on"]
    search_fields = ["their_number", "search_folded"]
