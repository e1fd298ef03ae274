from django.urls import path

from accounts import dev_views

app_name = "dev"

urlpatterns = [
    path("outbox/", dev_views.outbox, name="outbox"),
    path("outbox/<int:pk>/", dev_views.outbox_detail, name="outbox_detail"),
]
