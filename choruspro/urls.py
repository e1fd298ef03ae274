from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views
from choruspro import views

# The footer's institutional pages (choruspro.views.PAGES), at their French addresses.
PAGE_PATHS = {
    "help": "aide/",
    "contact": "contact/",
    "accessibility": "accessibilite/",
    "legal": "mentions-legales/",
    "privacy": "donnees-personnelles/",
    "cookies": "gestion-des-cookies/",
    "sitemap": "plan-du-site/",
}
page_patterns = [path(address, views.page, {"slug": slug}, name=slug) for slug, address in PAGE_PATHS.items()]

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include((page_patterns, "pages"))),
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
    # solicitations.urls holds /sollicitations-emises/…, /sollicitations-recues/…, /support/… and
    # the public form /sollicitations/…; captcha serves the public form's challenge images.
    path("", include("solicitations.urls")),
    path("captcha/", include("captcha.urls")),
    # api.urls holds /raccordement/ (the space), /api/oauth/token and the /cpro/ operations.
    path("", include("api.urls")),
    path("factures-travaux/", include("works.urls")),
    # Before the admin's own: its log-in would skip the second factor and the rate limits.
    path("admin/login/", account_views.admin_login),
    path("admin/logout/", allauth_views.logout),
    path("admin/", admin.site.urls),
]

if getattr(settings, "DEV_OUTBOX", False):
    urlpatterns.append(path("dev/", include("accounts.dev_urls")))
