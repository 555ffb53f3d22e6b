"""Portfolio pages: the IUP with its review and revisions, progress, supervision meetings.

Activities and evidence files are in `portfolio.activity_views`. Every view fetches the trainee
through the permission layer (`PERM.get_object`), validates with a form, makes one service call
and redirects.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.permissions import permission
from core.errors import DomainError
from portfolio import services
from portfolio.forms import GoalPlanForm, ReviewForm, SupervisionMeetingForm, VersionedForm
from portfolio.models import IUP, IUPGoalPlan, IUPRevision, IUPStatus
from portfolio.permissions import EDIT, VIEW
from portfolio.permissions import REVIEW_IUP as REVIEW
from portfolio.permissions import SUPERVISION_NOTES as NOTES
from trainees.models import Trainee


def trainee_for(request, pk, perm=VIEW) -> Trainee:
    return perm.get_object(request.user, Trainee.objects.select_related("user", "main_supervisor"), pk=pk)


def page_context(request, trainee, active: str, **extra) -> dict:
    return {
        "trainee": trainee,
        "active": active,
        "can_edit": EDIT.allows(request.user, trainee),
        "can_notes": NOTES.allows(request.user, trainee),
        **extra,
    }


def _form_errors_to_messages(request, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


# ---------------------------------------------------------------------------
# IUP
# ---------------------------------------------------------------------------


@permission(VIEW)
def iup(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk)
    can_edit = EDIT.allows(request.user, trainee)
    # Only the trainee's own visit creates the IUP; others see an empty, unsaved outline.
    plan = services.get_or_create_iup(trainee) if can_edit else IUP.objects.filter(trainee=trainee).first()
    if plan is not None:
        goal_plans = list(plan.goal_plans.select_related("goal").order_by("goal__number"))
    else:
        goal_plans = [IUPGoalPlan(goal=g) for g in services.goals_for(trainee)]
    can_review = bool(plan and plan.status == IUPStatus.SUBMITTED and REVIEW.allows(request.user, trainee))
    return render(
        request,
        "portfolio/iup.html",
        page_context(
            request,
            trainee,
            "iup",
            iup=plan,
            goal_plans=goal_plans,
            started=any(p.activities for p in goal_plans),
            editable=bool(plan and can_edit and services.can_edit_plan(plan)),
            can_submit=bool(plan and can_edit and plan.status == IUPStatus.DRAFT),
            can_review=can_review,
            review_form=ReviewForm(initial={"version": plan.version}) if can_review else None,
            revision_count=plan.revisions.count() if plan else 0,
        ),
    )


@permission(EDIT)
@require_http_methods(["GET", "POST"])
def iup_goal_edit(request, trainee_pk, code):
    trainee = trainee_for(request, trainee_pk, EDIT)
    plan = services.get_or_create_iup(trainee)
    goal_plan = get_object_or_404(IUPGoalPlan.objects.select_related("goal"), iup=plan, goal__code=code)
    if not services.can_edit_plan(plan):
        messages.error(request, str(services.IN_REVIEW))
        return redirect("portfolio:iup", trainee_pk=trainee.pk)
    form = GoalPlanForm(
        request.POST or None,
        initial={
            "activities": goal_plan.activities,
            "assessment_methods": goal_plan.assessment_methods,
            "version": plan.version,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.save_goal_plan(
                    plan,
                    goal=goal_plan.goal,
                    activities=form.cleaned_data["activities"],
                    assessment_methods=form.cleaned_data["assessment_methods"],
                    expected_version=form.cleaned_data["version"],
                    by=request.user,
                )
                messages.success(request, _("The plan for %(goal)s was saved.") % {"goal": goal_plan.goal.code})
                return redirect(f"{_iup_url(trainee)}#goal-{goal_plan.goal.code}")
            except DomainError as error:
                form.add_error(None, str(error))
        status = 400
    return render(
        request,
        "portfolio/iup_goal_form.html",
        page_context(request, trainee, "iup", iup=plan, goal_plan=goal_plan, form=form),
        status=status,
    )


def _iup_url(trainee) -> str:
    return reverse("portfolio:iup", args=[trainee.pk])


@permission(EDIT)
@require_POST
def iup_submit(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk, EDIT)
    plan = services.get_or_create_iup(trainee)
    form = VersionedForm(request.POST)
    if form.is_valid():
        try:
            services.submit_iup(plan, by=request.user, expected_version=form.cleaned_data["version"])
            messages.success(request, _("The IUP was submitted to your main supervisor for review."))
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, str(services.STALE))
    return redirect("portfolio:iup", trainee_pk=trainee.pk)


def _review(request, trainee_pk, transition, success):
    trainee = trainee_for(request, trainee_pk, REVIEW)
    plan = get_object_or_404(IUP, trainee=trainee)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            transition(
                plan,
                by=request.user,
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
            messages.success(request, success)
        except DomainError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, str(services.STALE))
    return redirect("portfolio:iup", trainee_pk=trainee.pk)


@permission(REVIEW)
@require_POST
def iup_approve(request, trainee_pk):
    return _review(request, trainee_pk, services.approve_iup, _("The IUP was approved."))


@permission(REVIEW)
@require_POST
def iup_return(request, trainee_pk):
    return _review(request, trainee_pk, services.return_iup, _("The IUP was returned to the BT doctor for changes."))


@permission(VIEW)
def iup_revisions(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk)
    revisions = IUPRevision.objects.filter(iup__trainee=trainee).select_related("created_by").order_by("-number")
    return render(request, "portfolio/iup_revisions.html", page_context(request, trainee, "iup", revisions=revisions))


@permission(VIEW)
def iup_revision(request, trainee_pk, number):
    trainee = trainee_for(request, trainee_pk)
    revision = get_object_or_404(IUPRevision.objects.select_related("created_by"), iup__trainee=trainee, number=number)
    goals = {g.code: g for g in services.goals_for(trainee)}
    rows = [(goals.get(item.get("goal")), item) for item in revision.snapshot]
    return render(
        request, "portfolio/iup_revision.html", page_context(request, trainee, "iup", revision=revision, rows=rows)
    )


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


@permission(VIEW)
def progress(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk)
    goals = services.progress(trainee)
    return render(
        request,
        "portfolio/progress.html",
        page_context(request, trainee, "progress", goals=goals, summary=services.ProgressSummary(trainee, goals)),
    )


# ---------------------------------------------------------------------------
# Supervision meetings (handledarsamtal): trainee and supervisors only
# ---------------------------------------------------------------------------


@permission(NOTES)
@require_http_methods(["GET", "POST"])
def supervision(request, trainee_pk):
    trainee = trainee_for(request, trainee_pk, NOTES)
    supervisors = services.supervisors_of(trainee)
    initial = {"supervisor": request.user.pk} if any(u.pk == request.user.pk for u in supervisors) else {}
    form = SupervisionMeetingForm(request.POST or None, supervisors=supervisors, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_supervision_meeting(
                    trainee,
                    by=request.user,
                    date=form.cleaned_data["date"],
                    notes=form.cleaned_data["notes"],
                    supervisor=form.cleaned_data["supervisor"],
                )
                messages.success(request, _("The notes of the supervision meeting were saved."))
                return redirect("portfolio:supervision", trainee_pk=trainee.pk)
            except DomainError as error:
                form.add_error(None, str(error))
        status = 400
    meetings = trainee.supervision_meetings.select_related("supervisor", "author").order_by("-date", "-pk")
    return render(
        request,
        "portfolio/supervision.html",
        page_context(request, trainee, "supervision", meetings=meetings, form=form),
        status=status,
    )
