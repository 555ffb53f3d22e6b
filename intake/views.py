"""Intake views: thin — fetch through the permission layer, validate with a form, call one
service, redirect."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import personnummer as pnr
from accounts.permissions import permission
from core import exports
from core.errors import DomainError
from core.forms import current_form
from core.locking import StaleEdit
from core.tables import FileProblem, ImportFailed
from intake import exporting, services, varbi
from intake.forms import (
    ApplicationForm,
    ConfirmForm,
    DecisionForm,
    ImportForm,
    PositionForm,
    ReasonForm,
    RoundForm,
    StatementForm,
)
from intake.models import MANUAL_ITEMS, Application, ApplicationStatus, Round, SupervisorStatement
from intake.permissions import (
    APPLY,
    APPLY_TO_ROUND,
    EDIT_APPLICATION,
    MANAGE,
    MANAGE_APPLICATION,
    MANAGE_ROUND,
)
from trainees.models import Trainee
from trainees.permissions import manageable_trainees

S = ApplicationStatus


# ---------------------------------------------------------------------------
# Access
# ---------------------------------------------------------------------------


_APPLICATIONS = Application.objects.select_related("round__region", "unit", "position", "trainee__user")


def _round_for(user, pk) -> Round:
    return MANAGE_ROUND.get_object(user, Round.objects.select_related("region"), pk=pk)


def _application_for(user, pk) -> Application:
    """An application the user may open: as the manager of its round, or as the head of its unit."""
    return EDIT_APPLICATION.get_object(user, _APPLICATIONS, pk=pk)


def _manager_only(user, pk) -> Application:
    return MANAGE_APPLICATION.get_object(user, _APPLICATIONS, pk=pk)


# ---------------------------------------------------------------------------
# Rounds
# ---------------------------------------------------------------------------


@permission(MANAGE)
@require_http_methods(["GET", "POST"])
def rounds(request):
    regions = MANAGE.queryset(request.user)
    initial = services.next_round_defaults(timezone.localdate())
    if regions.count() == 1:
        initial["region"] = regions.get()
    form = RoundForm(request.POST or None, regions=regions, initial=initial)
    if request.method == "POST" and form.is_valid():
        round = form.save()
        messages.success(request, _("The intake round was created."))
        return redirect(round)
    # The counts in the rounds' own query, however many rounds (ten years of them per region).
    items = (
        Round.objects.filter(region__in=regions)
        .select_related("region")
        .annotate(
            n_applications=Count("applications"),
            n_admitted=Count("applications", filter=Q(applications__status=ApplicationStatus.ADMITTED)),
        )
        .order_by("-opens_on", "pk")
    )
    rows = [(r, r.places - r.n_admitted, r.n_applications) for r in items]
    return render(request, "intake/rounds.html", {"rows": rows, "form": form})


@permission(MANAGE)
@require_GET
def round_detail(request, pk):
    round = _round_for(request.user, pk)
    context = exporting.overview(round, page=request.GET.get("page") or 1)
    context.update(
        {
            "round": round,
            "positions": round.positions.select_related("unit__parent"),
            "position_form": PositionForm(round=round),
        }
    )
    return render(request, "intake/round_detail.html", context)


@permission(MANAGE)
@require_http_methods(["GET", "POST"])
def round_edit(request, pk):
    round = _round_for(request.user, pk)
    form = RoundForm(request.POST or None, instance=round, regions=MANAGE.queryset(request.user))
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit as error:
            form, status = current_form(RoundForm, round, error, regions=MANAGE.queryset(request.user)), 409
        else:
            messages.success(request, _("The intake round was saved."))
            return redirect(round)
    return render(
        request,
        "intake/form_page.html",
        {"form": form, "title": _("Edit intake round"), "back": round.get_absolute_url()},
        status=status,
    )


@permission(MANAGE)
@require_POST
def position_new(request, pk):
    round = _round_for(request.user, pk)
    form = PositionForm(request.POST, round=round)
    if form.is_valid():
        position = form.save(commit=False)
        position.round = round
        position.save()
        messages.success(request, _("The position was added."))
    else:
        messages.error(
            request,
            _("The position was not added: %(errors)s")
            % {"errors": "; ".join(e for errors in form.errors.values() for e in errors)},
        )
    return redirect(round)


@permission(MANAGE)
@require_GET
def export(request, pk):
    round = _round_for(request.user, pk)
    return exports.download(exporting.export_round(round), exporting.export_filename(round))


@permission(MANAGE)
@require_http_methods(["GET", "POST"])
def import_applicants(request, pk):
    """Upload → check every row → create all applications in one transaction, or none."""
    round = _round_for(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None, round=round)
    context = {"round": round, "form": form, "report": None, "problem": None, "imported": None}
    if request.method == "POST" and form.is_valid():
        try:
            table = varbi.read_table(form.cleaned_data["file"])
        except FileProblem as problem:
            context["problem"] = str(problem)
        else:
            report = varbi.validate(table, round=round)
            context["report"] = report
            if report.ok and "import" in request.POST:
                try:
                    context["imported"] = varbi.run_import(
                        report,
                        round=round,
                        by=request.user,
                        bt_type=form.cleaned_data["bt_type"],
                        position=form.cleaned_data["position"],
                    )
                except ImportFailed as failed:
                    context["problem"] = str(failed)
    failed = context["problem"] or (context["report"] and context["report"].errors)
    status = 400 if failed or (request.method == "POST" and form.errors) else 200
    return render(request, "intake/import.html", context, status=status)


# ---------------------------------------------------------------------------
# Applications
# ---------------------------------------------------------------------------


@permission(APPLY)
@require_GET
def apply(request):
    """For a head of unit: open rounds in their regions and the applications at their units."""
    units = APPLY.queryset(request.user)
    today = timezone.localdate()
    open_rounds = Round.objects.filter(region__in=units.values("region_id"), closes_on__gte=today).select_related(
        "region"
    )
    applications = Application.objects.filter(unit__in=units, bt_type="integrerad").select_related("round", "unit")
    return render(request, "intake/apply.html", {"rounds": open_rounds, "applications": applications})


@permission(APPLY)
@require_http_methods(["GET", "POST"])
def application_new(request, pk):
    round = APPLY_TO_ROUND.get_object(request.user, Round.objects.select_related("region"), pk=pk)
    manager = MANAGE_ROUND.allows(request.user, round)
    if manager:
        units = round.region.units.all()
        trainees = Trainee.objects.filter(region=round.region)
    else:
        units = APPLY.queryset(request.user).filter(region=round.region)
        trainees = manageable_trainees(request.user)
    form = ApplicationForm(
        request.POST or None, round=round, units=units, trainees=trainees, integrated_only=not manager
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.create_application(round=round, by=request.user, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The application was registered as a draft."))
            return redirect(application)
    title = _("New application to %(round)s") % {"round": round.name}
    back = round.get_absolute_url() if manager else None
    return render(request, "intake/form_page.html", {"form": form, "title": title, "back": back})


@permission(APPLY)
@require_http_methods(["GET", "POST"])
def application_edit(request, pk):
    application = _application_for(request.user, pk)
    manager = MANAGE_APPLICATION.allows(request.user, application)
    if application.status in (S.ADMITTED, S.DECLINED, S.WITHDRAWN) or (not manager and application.status != S.DRAFT):
        messages.error(request, _("This application can no longer be changed here."))
        return redirect(application)
    round = application.round
    if manager:
        units, trainees = round.region.units.all(), Trainee.objects.filter(region=round.region)
    else:
        units, trainees = APPLY.queryset(request.user).filter(region=round.region), manageable_trainees(request.user)
    options = {"round": round, "units": units, "trainees": trainees, "integrated_only": not manager}
    form = ApplicationForm(request.POST or None, instance=application, **options)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit as error:
            form, status = current_form(ApplicationForm, application, error, **options), 409
        else:
            messages.success(request, _("The application was saved."))
            return redirect(application)
    return render(
        request,
        "intake/form_page.html",
        {"form": form, "title": _("Edit application"), "back": application.get_absolute_url()},
        status=status,
    )


@permission(APPLY)
@require_GET
def application_detail(request, pk):
    application = _application_for(request.user, pk)
    manager = MANAGE_APPLICATION.allows(request.user, application)
    rows = services.checklist(application)
    history = _changes(application)
    return render(
        request,
        "intake/application_detail.html",
        {
            "application": application,
            "manager": manager,
            "rows": rows,
            "complete": all(r.met for r in rows),
            "manual_items": [i.value for i in MANUAL_ITEMS],
            "confirm_form": ConfirmForm(initial={"done_on": timezone.localdate()}),
            "decision_form": DecisionForm(missing=[r for r in rows if not r.met]),
            "reason_form": ReasonForm(),
            "personnummer": pnr.formatted(application.personnummer),
            "duplicates": application.matching_users(),
            "history": history,
            "open": application.status in (S.DRAFT, S.SUBMITTED, S.CHECKLIST_COMPLETE),
        },
    )


def _changes(application, limit=50) -> list[dict]:
    """Who changed what and when: each history record with the fields it changed."""
    records = list(
        application.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    out = []
    # An application may have no history at all (written in bulk, as generated data is): then no changes.
    for i, newer in enumerate(records[:limit]):
        older = records[i + 1] if i + 1 < len(records) else None
        if older is None:
            fields = []
        else:
            fields = [str(Application._meta.get_field(c.field).verbose_name) for c in newer.diff_against(older).changes]
        out.append({"record": newer, "fields": fields})
    return out


def _run(request, application, action, success):
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(application)


@permission(APPLY)
@require_POST
def application_submit(request, pk):
    application = _application_for(request.user, pk)
    return _run(
        request, application, lambda: services.submit(application, by=request.user), _("The application was submitted.")
    )


@permission(APPLY)
@require_POST
def application_withdraw(request, pk):
    application = _application_for(request.user, pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    return _run(
        request,
        application,
        lambda: services.withdraw(application, by=request.user, reason=reason),
        _("The application was withdrawn."),
    )


@permission(MANAGE)
@require_POST
def application_complete(request, pk):
    application = _manager_only(request.user, pk)
    return _run(
        request,
        application,
        lambda: services.complete_checklist(application, by=request.user),
        _("The checklist is complete."),
    )


@permission(MANAGE)
@require_POST
def application_decide(request, pk):
    application = _manager_only(request.user, pk)
    form = DecisionForm(request.POST, missing=services.missing_items(application))
    if not form.is_valid():
        if "reason" in form.errors:
            messages.error(request, _("Give a reason for the decision."))
        else:
            messages.error(request, _("Choose a decision."))
        return redirect(application)
    reason = form.cleaned_data["reason"]
    if form.cleaned_data["decision"] == "admit":
        return _run(
            request,
            application,
            lambda: services.admit(application, by=request.user, reason=reason, missing_reasons=form.missing_reasons()),
            _("The applicant was admitted and registered as a BT doctor with a draft plan."),
        )
    return _run(
        request,
        application,
        lambda: services.decline(application, by=request.user, reason=reason),
        _("The application was declined."),
    )


@permission(MANAGE)
@require_POST
def confirm_item(request, pk, item):
    application = _manager_only(request.user, pk)
    if item not in [i.value for i in MANUAL_ITEMS]:
        messages.error(request, _("This checklist item is computed from the data and cannot be confirmed by hand."))
        return redirect(application)
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date when it was done (YYYY-MM-DD)."))
        return redirect(application)
    return _run(
        request,
        application,
        lambda: services.confirm_item(application, item=item, by=request.user, **form.cleaned_data),
        _("The checklist item was confirmed."),
    )


@permission(APPLY)
@require_http_methods(["GET", "POST"])
def statement(request, pk):
    application = _application_for(request.user, pk)
    try:
        instance = application.statement
    except SupervisorStatement.DoesNotExist:
        instance = None
    form = StatementForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.save_statement(application, by=request.user, data=data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The supervisor's statement was saved."))
            return redirect(application)
    return render(
        request,
        "intake/form_page.html",
        {
            "form": form,
            "title": _("Supervisor's statement (handledarutlåtande)"),
            "back": application.get_absolute_url(),
        },
    )
