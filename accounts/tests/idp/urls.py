"""The test provider's pages: django-oauth-toolkit's endpoints under /o/, and a login page without a password
(the stand-in for choosing SITHS, BankID or Freja at a real provider)."""

from django.contrib.auth import get_user_model, login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme


def login_page(request):
    next_url = request.POST.get("next") or request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST":
        user, _ = get_user_model().objects.get_or_create(username=request.POST["username"])
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url)
    return HttpResponse(
        format_html(
            '<!doctype html><html lang="en"><title>Test identity provider</title><h1>Test identity provider</h1>'
            '<form method="post"><label for="username">Who are you?</label> <input id="username" name="username">'
            '<input type="hidden" name="next" value="{}"> <button type="submit">Identify</button></form></html>',
            next_url,
        )
    )


urlpatterns = [
    path("login/", login_page),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
