from django.contrib import admin

from choruspro.admin import HistoryAdmin, ReadOnlyModelAdmin, ReadOnlyTabularInline
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


class StructureServiceInline(ReadOnlyTabularInline):
    model = StructureService
    fields = ("code", "libelle", "is_active", "engagement_required")


@admin.register(Structure)
class StructureAdmin(ReadOnlyModelAdmin):
    list_display = ("raison_sociale", "identifier", "identifier_type", "kind", "status", "created_by_signup")
    list_filter = ("kind", "status", "created_by_signup", "identifier_type")
    search_fields = ("raison_sociale", "identifier", "libelle")
    inlines = [StructureServiceInline]


@admin.register(StructureService)
class StructureServiceAdmin(ReadOnlyModelAdmin):
    list_display = ("code", "libelle", "structure", "is_active", "engagement_required")
    list_filter = ("is_active", "engagement_required")
    list_select_related = ("structure",)
    search_fields = ("code", "libelle", "structure__raison_sociale", "structure__identifier")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "structure", "role", "status", "requested_at")
    list_filter = ("role", "status")
    list_select_related = ("user", "structure")
    search_fields = ("user__email", "structure__raison_sociale", "structure__identifier")


@admin.register(SpaceSubscription)
class SpaceSubscriptionAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "structure", "space", "mode", "status")
    list_filter = ("space", "mode", "status")
    list_select_related = ("user", "structure")
    search_fields = ("user__email", "structure__raison_sociale", "structure__identifier")


@admin.register(OpenedSpace)
class OpenedSpaceAdmin(ReadOnlyModelAdmin):
    list_display = ("structure", "space", "service", "opened_at")
    list_filter = ("space",)
    list_select_related = ("structure", "service")
    search_fields = ("structure__raison_sociale", "structure__identifier")


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyModelAdmin):
    list_display = ("libelle", "structure", "iban", "is_factor", "status")
    list_filter = ("status", "is_factor")
    list_select_related = ("structure",)
    search_fields = ("libelle", "iban", "structure__raison_sociale", "structure__identifier")


@admin.register(BillingMandate)
class BillingMandateAdmin(ReadOnlyModelAdmin):
    list_display = ("libelle", "structure", "status", "created_at", "signed_at", "revoked_at")
    list_filter = ("status",)
    list_select_related = ("structure",)
    search_fields = ("libelle", "structure__raison_sociale", "structure__identifier")


@admin.register(AuditLog)
class AuditLogAdmin(HistoryAdmin):
    list_display = ("created_at", "actor", "structure", "action", "target_user")
    list_filter = ("action",)
    list_select_related = ("actor", "structure", "target_user")
    search_fields = ("structure__raison_sociale", "structure__identifier", "actor__email", "description")
