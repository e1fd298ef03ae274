from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
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
    # api.urls holds /raccordement/ (the space), /api/oauth/token and the /cpro/ operations.
    path("", include("api.urls")),
    # Before the admin's own: its log-in would skip the second factor and the rate limits.
    path("admin/login/", account_views.admin_login),
    path("admin/logout/", allauth_views.logout),
    path("admin/", admin.site.urls),
]

if getattr(settings, "DEV_OUTBOX", False):
    urlpatterns.append(path("dev/", include("accounts.dev_urls")))
