from django.urls import path

from structures import views

app_name = "structures"

urlpatterns = [
    path("structure/changer/", views.switch_structure, name="switch"),
    # Activités du gestionnaire
    path("gestionnaire/", views.manager_home, name="manager_home"),
    path("gestionnaire/demandes/", views.requests_list, name="requests"),
    path("gestionnaire/demandes/rattachements/", views.decide_memberships, name="decide_memberships"),
    path("gestionnaire/demandes/abonnements/", views.decide_subscriptions, name="decide_subscriptions"),
    path("gestionnaire/structure/", views.structure_detail, name="structure"),
    path("gestionnaire/structure/inactiver/", views.structure_inactivate, name="structure_inactivate"),
    path("gestionnaire/services/", views.service_list, name="services"),
    path("gestionnaire/services/<int:service_id>/", views.service_update, name="service_update"),
    path("gestionnaire/espaces/", views.space_list, name="spaces"),
    path("gestionnaire/espaces/<int:opened_space_id>/fermer/", views.space_close, name="space_close"),
    path("gestionnaire/coordonnees-bancaires/", views.bank_account_list, name="bank_accounts"),
    path(
        "gestionnaire/coordonnees-bancaires/<int:bank_account_id>/statut/",
        views.bank_account_status,
        name="bank_account_status",
    ),
    path("gestionnaire/utilisateurs/", views.user_list, name="users"),
    path("gestionnaire/utilisateurs/actions/", views.user_bulk_action, name="user_bulk_action"),
    path("gestionnaire/utilisateurs/rattacher/", views.user_attach, name="user_attach"),
    path("gestionnaire/utilisateurs/export/", views.user_export, name="user_export"),
    path("gestionnaire/utilisateurs/<int:membership_id>/detacher/", views.user_detach, name="user_detach"),
    path(
        "gestionnaire/utilisateurs/<int:membership_id>/activation/",
        views.user_resend_activation,
        name="user_resend_activation",
    ),
    path("gestionnaire/utilisateurs/transfert-gp/", views.transfer_principal, name="transfer_principal"),
    path("gestionnaire/duplication-des-droits/", views.duplicate_rights, name="duplicate_rights"),
    path("gestionnaire/historique/", views.history, name="history"),
    path("gestionnaire/mandats/", views.mandate_list, name="mandates"),
    path("gestionnaire/mandats/souscrire/", views.mandate_subscribe, name="mandate_subscribe"),
    path("gestionnaire/mandats/<int:mandate_id>/revoquer/", views.mandate_revoke, name="mandate_revoke"),
    path("gestionnaire/mandat/signer/<str:token>/", views.mandate_sign, name="mandate_sign"),
]
