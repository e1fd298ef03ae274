"""What the apps' admin modules share: operators look, they never edit."""

from django.contrib import admin


class ReadOnlyAdmin:
    """Every write goes through the apps' services (atomic, row-locked, audited); the admin only
    shows. Mixed into ModelAdmin and inline classes (hence the optional obj)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    # Lists are long (invoices, histories): no full count on each page.
    show_full_result_count = False


class ReadOnlyTabularInline(ReadOnlyAdmin, admin.TabularInline):
    extra = 0
    show_change_link = True

    def get_readonly_fields(self, request, obj=None):
        # Also lets an inline name non-editable fields (auto_now_add dates).
        return self.fields or ()


class HistoryAdmin(ReadOnlyModelAdmin):
    """An append-only history: newest first, its chain fingerprints shown."""

    date_hierarchy = "created_at"
    readonly_fields = ("previous_hash", "row_hash")
