from django.urls import path

from works import views

app_name = "works"

urlpatterns = [
    path("", views.home, name="home"),
    path("marches/", views.contracts, name="contracts"),
    path("marches/declarer/", views.contract_create, name="contract_create"),
    path("marches/<int:contract_id>/", views.contract, name="contract"),
    path(
        "marches/<int:contract_id>/depot-initial/<slug:action>/",
        views.deposit_initial,
        name="deposit_initial",
    ),
    path("rechercher/", views.search, name="search"),
    path("dossiers/<int:dossier_id>/", views.dossier, name="dossier"),
    path("dossiers/<int:dossier_id>/<slug:action>/", views.act, name="act"),
    path("pieces/<int:piece_id>/", views.download, name="download"),
]
