from django.contrib import admin

from choruspro.admin import HistoryAdmin, ReadOnlyModelAdmin, ReadOnlyTabularInline
from invoices.models import (
    Invoice,
    InvoiceAttachment,
    InvoiceEvent,
    InvoiceLine,
    InvoiceStatusChange,
    InvoiceUserAction,
    InvoiceVatLine,
)
from invoices.services.drafts import LINE_FIELDS


class InvoiceLineInline(ReadOnlyTabularInline):
    model = InvoiceLine
    show_change_link = False
    fields = ("position", *LINE_FIELDS)


class InvoiceVatLineInline(ReadOnlyTabularInline):
    model = InvoiceVatLine
    show_change_link = False


class InvoiceAttachmentInline(ReadOnlyTabularInline):
    model = InvoiceAttachment
    fields = ("kind", "name", "size", "sha256", "added_by", "added_at")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by")


class InvoiceStatusChangeInline(ReadOnlyTabularInline):
    model = InvoiceStatusChange
    fields = ("created_at", "from_status", "to_status", "transition", "actor", "reason")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyModelAdmin):
    list_display = (
        "number",
        "supplier",
        "recipient",
        "status",
        "invoice_date",
        "total_ttc",
        "status_changed_at",
    )
    list_filter = ("status", "cadre", "invoice_type", "deposit_mode")
    list_select_related = ("supplier", "recipient")
    search_fields = (
        "number",
        "supplier__raison_sociale",
        "supplier__identifier",
        "recipient__raison_sociale",
        "recipient__identifier",
    )
    date_hierarchy = "invoice_date"
    inlines = [InvoiceLineInline, InvoiceVatLineInline, InvoiceAttachmentInline, InvoiceStatusChangeInline]


class InvoiceHistoryAdmin(HistoryAdmin):
    search_fields = ("invoice__number", "invoice__supplier__identifier", "invoice__recipient__identifier")


@admin.register(InvoiceStatusChange)
class InvoiceStatusChangeAdmin(InvoiceHistoryAdmin):
    list_display = ("created_at", "invoice", "from_status", "to_status", "transition", "actor", "structure")
    list_filter = ("to_status", "transition")
    list_select_related = ("invoice", "actor", "structure")


@admin.register(InvoiceUserAction)
class InvoiceUserActionAdmin(InvoiceHistoryAdmin):
    list_display = ("created_at", "invoice", "action", "actor")
    list_filter = ("action",)
    list_select_related = ("invoice", "actor")


@admin.register(InvoiceEvent)
class InvoiceEventAdmin(InvoiceHistoryAdmin):
    list_display = ("created_at", "invoice", "label", "who")
    list_select_related = ("invoice",)
