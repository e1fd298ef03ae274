from django.urls import path

from accounts import views

app_name = "accounts"

# Included at the root with no prefix; these paths come before allauth's, so /accounts/signup/
# is the portal's own sign-up.
urlpatterns = [
    path("accounts/signup/", views.signup, name="signup"),
    path("accounts/signup/informations/", views.signup_personal, name="signup_personal"),
    path("accounts/signup/structure/", views.signup_structure, name="signup_structure"),
    path("accounts/signup/espaces/", views.signup_spaces, name="signup_spaces"),
    path("accounts/signup/termine/", views.signup_done, name="signup_done"),
    path("accounts/activation/renvoyer/", views.resend_activation, name="resend_activation"),
    path("accounts/activation/<str:token>/", views.activate, name="activate"),
    path("compte/", views.my_account, name="my_account"),
    path("compte/informations/", views.update_profile, name="update_profile"),
    path("compte/preferences/", views.update_preferences, name="update_preferences"),
    path("compte/desactiver/", views.deactivate, name="deactivate"),
    path("compte/rattachement/", views.request_membership, name="request_membership"),
    path("compte/abonnement/", views.request_subscription, name="request_subscription"),
    path(
        "compte/abonnement/<int:subscription_id>/resilier/", views.end_subscription, name="end_subscription"
    ),
]
