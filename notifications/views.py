from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from accounts.models import settings_for
from accounts.permissions import AUTHENTICATED, permission, public
from assessments.permissions import REQUEST
from notifications import services
from notifications.forms import NotificationSettingForm
from notifications.models import CalendarFeed
from trainees.models import Trainee
from trainees.permissions import own_trainee


@permission(AUTHENTICATED)
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    form = NotificationSettingForm(
        request.POST if request.method == "POST" else None, instance=settings_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    trainee = own_trainee(request.user).first()
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "trainee": trainee, "feed_url": services.feed_url_for(trainee) if trainee else ""},
    )


@permission(REQUEST)
@require_POST
def regenerate_feed(request):
    trainee = REQUEST.get_object(request.user, Trainee.objects.all(), user_id=request.user.pk)
    services.regenerate_feed(trainee, by=request.user)
    messages.success(request, _("Your calendar has a new address; the old one no longer works."))
    return redirect("notifications:settings")


@public
@never_cache
def ical_feed(request, token):
    """The secret-address calendar of one trainee (for calendar apps, which cannot log in)."""
    feed = (
        CalendarFeed.objects.select_related("trainee__user").filter(token=token).first() if len(token) <= 64 else None
    )
    if feed is None:
        raise Http404
    response = HttpResponse(services.calendar(feed.trainee), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="bt.ics"'
    return response
