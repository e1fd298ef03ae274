from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from choruspro import views

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    # accounts.urls holds /accounts/signup/… (the portal's own sign-up steps, which take
    # precedence over allauth's single form) and /compte/ (Mon compte).
    path("", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # structures.urls holds /gestionnaire/… and the structure switcher.
    path("", include("structures.urls")),
    path("annuaire/", include("annuaire.urls")),
    # invoices.urls holds /factures-emises/… and /factures-recues/….
    path("", include("invoices.urls")),
    # deposits.urls holds /factures-emises/depot(s)/….
    path("", include("deposits.urls")),
    path("admin/", admin.site.urls),
]

if getattr(settings, "DEV_OUTBOX", False):
    urlpatterns.append(path("dev/", include("accounts.dev_urls")))
