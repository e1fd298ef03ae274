from django.urls import path

from structures import views

app_name = "structures"

urlpatterns = [
    path("structure/changer/", views.switch_structure, name="switch"),
    path("gestionnaire/", views.manager_home, name="manager_home"),
    path("gestionnaire/demandes/", views.manager_home, name="requests"),
    path("gestionnaire/mandat/signer/<str:token>/", views.manager_home, name="mandate_sign"),
]
