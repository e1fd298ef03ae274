from django.urls import path

from solicitations import views

app_name = "solicitations"

PREFIXES = {"sent": "sollicitations-emises", "received": "sollicitations-recues", "support": "support"}

urlpatterns = [
    path("sollicitations-emises/saisir/", views.create, name="sent_create"),
    path("sollicitations-emises/<int:solicitation_id>/modifier/", views.edit, name="sent_edit"),
    path("sollicitations/notifications/lues/", views.notifications_read, name="notifications_read"),
    path("support/structures/", views.support_structures, name="support_structures"),
    path("support/structures/services/", views.support_services, name="support_services"),
    path("sollicitations/nouvelle/", views.public_create, name="public_create"),
    path("sollicitations/suivi/<str:token>/", views.public_follow, name="public_follow"),
    path(
        "sollicitations/suivi/<str:token>/pieces-jointes/<int:attachment_id>/",
        views.public_download,
        name="public_download",
    ),
]
for desk, prefix in PREFIXES.items():
    kwargs = {"desk": desk}
    urlpatterns += [
        path(f"{prefix}/", views.home, kwargs, name=f"{desk}_home"),
        path(f"{prefix}/rechercher/", views.search, kwargs, name=f"{desk}_search"),
        path(f"{prefix}/<int:solicitation_id>/", views.detail, kwargs, name=f"{desk}_detail"),
        path(f"{prefix}/<int:solicitation_id>/<slug:action>/", views.act, kwargs, name=f"{desk}_act"),
        path(
            f"{prefix}/<int:solicitation_id>/pieces-jointes/<int:attachment_id>/",
            views.download,
            kwargs,
            name=f"{desk}_download",
        ),
    ]
