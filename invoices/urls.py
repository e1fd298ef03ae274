from django.urls import path

from invoices.views import common, recipient, supplier

app_name = "invoices"

# Each screen family declares its own routes next to its views.
urlpatterns = [
    *supplier.urlpatterns,
    *recipient.urlpatterns,
    path("notifications/", common.notification_list, name="notifications"),
    path("notifications/lues/", common.notifications_read, name="notifications_read"),
]
