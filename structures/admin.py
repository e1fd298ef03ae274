from django.contrib import admin

from structures.models import (
    AuditLog,
    BankAccount,
    BillingMandate,
    Membership,
    OpenedSpace,
    SpaceSubscription,
    Structure,
    StructureService,
)


class ReadOnlyStatusMixin:
    """Statuses change only through structures.services (house style §C.7)."""

    readonly_fields = ("status",)


class StructureServiceInline(admin.TabularInline):
    model = StructureService
    extra = 0


@admin.register(Structure)
class StructureAdmin(ReadOnlyStatusMixin, admin.ModelAdmin):
    list_display = ("raison_sociale", "identifier", "identifier_type", "kind", "status")
    list_filter = ("kind", "status", "identifier_type")
    search_fields = ("raison_sociale", "identifier", "libelle")
    readonly_fields = ("status", "absorbed_by", "created_at", "updated_at")
    inlines = [StructureServiceInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyStatusMixin, admin.ModelAdmin):
    list_display = ("user", "structure", "role", "status", "requested_at")
    list_filter = ("role", "status")
    search_fields = ("user__email", "structure__raison_sociale", "structure__identifier")
    raw_id_fields = ("user", "structure", "decided_by")
    readonly_fields = ("status", "role")


@admin.register(SpaceSubscription)
class SpaceSubscriptionAdmin(ReadOnlyStatusMixin, admin.ModelAdmin):
    list_display = ("user", "structure", "space", "mode", "status")
    list_filter = ("space", "mode", "status")
    raw_id_fields = ("user", "structure", "decided_by")


@admin.register(OpenedSpace)
class OpenedSpaceAdmin(admin.ModelAdmin):
    list_display = ("structure", "space", "service", "opened_at")
    list_filter = ("space",)
    raw_id_fields = ("structure", "service")


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyStatusMixin, admin.ModelAdmin):
    list_display = ("libelle", "structure", "iban", "is_factor", "status")
    list_filter = ("status", "is_factor")
    raw_id_fields = ("structure",)


@admin.register(BillingMandate)
class BillingMandateAdmin(ReadOnlyStatusMixin, admin.ModelAdmin):
    list_display = ("libelle", "structure", "status", "created_at", "signed_at", "revoked_at")
    list_filter = ("status",)
    raw_id_fields = ("structure", "created_by", "signed_by")
    readonly_fields = ("status", "signed_by", "signed_at", "revoked_at")


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    """Append-only: read only in the admin."""

    list_display = ("created_at", "actor", "structure", "action", "target_user")
    list_filter = ("action",)
    search_fields = ("structure__raison_sociale", "actor__email", "description")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
