from django.urls import path, re_path
from oauth2_provider import views as oauth_views

from api import cpro, views

app_name = "api"

urlpatterns = [
    # PISTE's token path (api.md §2.2), served by django-oauth-toolkit.
    path("api/oauth/token", oauth_views.TokenView.as_view(), name="token"),
    path("cpro/openapi.json", views.openapi_document, name="openapi"),
    # `//cpro/` too: a base URL configured with a trailing slash (api.md §1.1).
    re_path(r"^(?:/)?cpro/(?P<path>.*)$", cpro.dispatch, name="cpro"),
    # Raccordement EDI et API
    path("raccordement/", views.home, name="home"),
    path("raccordement/documentation/", views.documentation, name="documentation"),
    path("raccordement/declarer/", views.declare_connection, name="declare"),
    path("raccordement/<int:connection_id>/secret/", views.renew_secret, name="renew_secret"),
    path("raccordement/<int:connection_id>/clore/", views.close_connection, name="close"),
    path("raccordement/edi/declarer/", views.declare_edi, name="declare_edi"),
    path("raccordement/comptes-techniques/creer/", views.create_account, name="create_account"),
    path(
        "raccordement/comptes-techniques/<int:account_id>/mot-de-passe/",
        views.reset_password,
        name="reset_password",
    ),
    path(
        "raccordement/comptes-techniques/<int:account_id>/revoquer/",
        views.revoke_account,
        name="revoke_account",
    ),
]
