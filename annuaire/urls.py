from django.http import HttpResponse
from django.urls import path

app_name = "annuaire"


def todo(request, **kwargs):
    return HttpResponse("TODO")


urlpatterns = [path("", todo, name="search")]
