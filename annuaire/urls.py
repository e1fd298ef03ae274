from django.urls import path

from annuaire import views

app_name = "annuaire"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
]
