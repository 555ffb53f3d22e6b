from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from accounts.permissions import AUTHENTICATED, permission, public
from btportal.home import home_sections


@permission(AUTHENTICATED)
def home(request):
    return render(request, "home.html", {"sections": home_sections(request.user)})


@public
@never_cache
def healthz(request):
    """For load balancers: 200 when the app and its database answer."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@public
def admin_login(request, extra_context=None):
    """The Django admin's login page, replaced: everyone logs in through the one login page (allauth's), so
    two-factor codes, the identity providers, the staff password switch and the login log apply to the
    admin too. A logged-in person without admin access gets 403 rather than a second login form."""
    from django.contrib import admin

    next_url = request.GET.get("next", "")
    if not next_url or not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("admin:index")
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect(next_url)
        raise PermissionDenied
    return redirect_to_login(next_url)
