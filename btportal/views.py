from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
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
