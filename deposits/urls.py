from django.urls import path

from deposits import views

app_name = "deposits"

urlpatterns = [
    path("factures-emises/depot/", views.create, name="create"),
    path("factures-emises/depots/", views.deposit_list, name="list"),
    path("factures-emises/depots/<int:deposit_id>/", views.detail, name="detail"),
    path("factures-emises/depots/<int:deposit_id>/relancer/", views.retry, name="retry"),
    path("factures-emises/depots/<int:deposit_id>/fichier/", views.download, name="download"),
    path(
        "factures-emises/depots/<int:deposit_id>/fichiers/<int:item_id>/rejet-cdar/",
        views.rejection_message,
        name="rejection_message",
    ),
]
