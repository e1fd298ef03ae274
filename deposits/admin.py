from django.contrib import admin

from choruspro.admin import HistoryAdmin, ReadOnlyModelAdmin, ReadOnlyTabularInline
from deposits.models import Deposit, DepositItem, DepositStatusChange


class DepositItemInline(ReadOnlyTabularInline):
    model = DepositItem
    fields = ("position", "file_name", "format", "profile", "outcome", "invoice")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


class DepositStatusChangeInline(ReadOnlyTabularInline):
    model = DepositStatusChange
    fields = ("created_at", "from_status", "to_status", "note")


@admin.register(Deposit)
class DepositAdmin(ReadOnlyModelAdmin):
    list_display = ("number", "structure", "kind", "format", "file_name", "status", "created_at")
    list_filter = ("status", "kind", "format")
    list_select_related = ("structure",)
    search_fields = ("file_name", "sha256", "structure__raison_sociale", "structure__identifier")
    date_hierarchy = "created_at"
    inlines = [DepositItemInline, DepositStatusChangeInline]


@admin.register(DepositItem)
class DepositItemAdmin(ReadOnlyModelAdmin):
    list_display = ("file_name", "deposit", "position", "format", "outcome", "invoice")
    list_filter = ("outcome", "format")
    list_select_related = ("deposit", "invoice")
    search_fields = ("file_name", "sha256", "invoice__number")


@admin.register(DepositStatusChange)
class DepositStatusChangeAdmin(HistoryAdmin):
    list_display = ("created_at", "deposit", "from_status", "to_status", "note")
    list_filter = ("to_status",)
    list_select_related = ("deposit",)
    search_fields = ("deposit__file_name", "deposit__structure__identifier")
