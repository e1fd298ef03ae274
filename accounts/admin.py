from django.contrib import admin

from accounts.models import User
from choruspro.admin import ReadOnlyModelAdmin


@admin.register(User)
class UserAdmin(ReadOnlyModelAdmin):
    list_display = ("email", "nom", "prenom", "status", "is_staff", "is_superuser", "date_joined")
    list_filter = ("status", "is_staff", "is_superuser", "language")
    search_fields = ("email", "contact_email", "nom", "prenom")
    ordering = ("-date_joined",)
    # The password hash is nobody's business, even read only.
    exclude = ("password",)
    filter_horizontal = ("groups", "user_permissions")
