"""Activities with reflections and evidence files.

Evidence files are never under a public URL: `evidence_download` streams a file only after the
permission check on its trainee, as an attachment with the content type we determined at upload.
"""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from core.errors import DomainError
from portfolio import services
from portfolio.forms import ActivityForm
from portfolio.models import Activity, ActivityKind, Evidence
from portfolio.permissions import EDIT, VIEW
from portfolio.views import page_context, trainee_for


@permission(VIEW)
def activity_list(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk)
    activities = trainee.activities.select_related("placement__unit").prefetch_related("goals", "evidence")
    goals = list(services.goals_for(trainee))
    goal = request.GET.get("goal", "")
    if goal in {g.code for g in goals}:
        activities = activities.filter(goals__code=goal)
    kind = request.GET.get("kind", "")
    if kind in ActivityKind.values:
        activities = activities.filter(kind=kind)
    return render(
        request,
        "portfolio/activity_list.html",
        page_context(
            request,
            trainee,
            "activities",
            activities=activities.order_by("-start", "-pk"),
            goals=goals,
            goal=goal,
            kind=kind,
            kinds=ActivityKind.choices,
        ),
    )


def _activity(trainee, pk) -> Activity:
    return get_object_or_404(
        Activity.objects.select_related("placement__unit").prefetch_related("goals", "evidence"), pk=pk, trainee=trainee
    )


@permission(VIEW)
def activity_detail(request, trainee_pk, pk):
    trainee = trainee_for(request, trainee_pk)
    return render(
        request,
        "portfolio/activity_detail.html",
        page_context(request, trainee, "activities", activity=_activity(trainee, pk)),
    )


@permission(EDIT)
@require_http_methods(["GET", "POST"])
def activity_edit(request, trainee_pk, pk=None):
    trainee = trainee_for(request, trainee_pk, EDIT)
    activity = _activity(trainee, pk) if pk else None
    initial = {}
    if activity is not None:
        initial = {
            "kind": activity.kind,
            "title": activity.title,
            "start": activity.start,
            "end": activity.end,
            "goals": list(activity.goals.all()),
            "placement": activity.placement,
            "reflection": activity.reflection,
        }
    form = ActivityForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        trainee=trainee,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "kind": data["kind"],
                "title": data["title"],
                "start": data["start"],
                "end": data["end"],
                "goals": data["goals"],
                "placement": data["placement"],
                "reflection": data["reflection"],
                "files": data["files"],
            }
            try:
                if activity is None:
                    activity = services.add_activity(trainee, by=request.user, **fields)
                    messages.success(request, _("The activity was saved."))
                else:
                    services.update_activity(activity, by=request.user, **fields)
                    messages.success(request, _("The activity was saved."))
                return redirect(activity.get_absolute_url())
            except services.EvidenceRejected as error:
                for message in error.errors:
                    form.add_error("files", message)
            except services.EvidenceNotStored as error:
                form.add_error("files", str(error))
                status = 503  # a fault of the storage, not of the form; nothing was saved
            except DomainError as error:
                form.add_error(None, str(error))
        status = status if status != 200 else 400
    return render(
        request,
        "portfolio/activity_form.html",
        page_context(request, trainee, "activities", activity=activity, form=form),
        status=status,
    )


def _evidence(trainee, pk, evidence_pk) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("activity"), pk=evidence_pk, activity_id=pk, activity__trainee=trainee
    )


@permission(VIEW)
def evidence_download(request, trainee_pk, pk, evidence_pk):
    trainee = trainee_for(request, trainee_pk)
    evidence = _evidence(trainee, pk, evidence_pk)
    try:
        handle = evidence.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@permission(EDIT)
@require_POST
def evidence_delete(request, trainee_pk, pk, evidence_pk):
    trainee = trainee_for(request, trainee_pk, EDIT)
    evidence = _evidence(trainee, pk, evidence_pk)
    services.remove_evidence(evidence, by=request.user)
    messages.success(request, _("The file %(name)s was removed.") % {"name": evidence.original_name})
    return redirect("portfolio:activity_edit", trainee_pk=trainee.pk, pk=pk)
