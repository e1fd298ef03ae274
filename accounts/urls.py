from django.http import HttpResponse
from django.urls import path

app_name = "accounts"


def todo(request, **kwargs):
    return HttpResponse("TODO")


urlpatterns = [
    path("accounts/signup/", todo, name="signup"),
    path("compte/", todo, name="my_account"),
    path("compte/rattachement/", todo, name="request_membership"),
]
