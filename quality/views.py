"""Pages of quality reviews (SPUR for BT), their surveys and the criteria catalogue (placement evaluations:
`evaluation_views`). Thin: fetch through a permission, validate with a form, call one service, redirect."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role, RoleAssignment, User
from accounts.permissions import permission, public
from core.errors import DomainError

from . import anonymity, services
from .forms import (
    AreaFindingForm,
    AssignReviewerForm,
    CalibrationForm,
    CopyCatalogueForm,
    DocumentForm,
    NoteForm,
    RemedyForm,
    ReviewForm,
    StatementFindingForm,
    StatementForm,
    SurveyForm,
    SurveyLinksForm,
)
from .indicators import unit_indicators
from .models import (
    Catalogue,
    Review,
    ReviewerAssignment,
    ReviewState,
    Statement,
    StatementFinding,
    SteeringDocument,
    SurveyRole,
)
from .permissions import (
    ACCEPT_REMEDY,
    CATALOGUE,
    CONDUCT_REVIEW,
    COORDINATE,
    EVALUATION_RESULTS,
    NATIONAL_LIST,
    PARTICIPATE,
    REPORT_REMEDY,
    VIEW_REVIEW,
    is_coordinator,
)

PAGE_SIZE = 25


def refused(request, error: DomainError):
    messages.error(request, str(error))


# ---------------------------------------------------------------------------
# Reviews
# ---------------------------------------------------------------------------


def _review_list(queryset):
    return queryset.select_related("unit__region", "unit__parent", "catalogue").prefetch_related(
        Prefetch("reviewers", queryset=ReviewerAssignment.objects.select_related("reviewer"))
    )


@permission(VIEW_REVIEW)
def reviews(request):
    rows = _review_list(VIEW_REVIEW.queryset(request.user)).order_by("-period_end", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/reviews.html",
        {
            "page": page,
            "can_coordinate": is_coordinator(request.user),
            "form": ReviewForm() if is_coordinator(request.user) else None,
        },
    )


@permission(NATIONAL_LIST)
def national(request):
    rows = _review_list(NATIONAL_LIST.queryset(request.user)).order_by("-published_at", "-pk")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "quality/national.html", {"page": page})


@permission(COORDINATE)
@require_POST
def review_new(request):
    form = ReviewForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            review = services.plan_review(
                d["unit"], period_start=d["period_start"], period_end=d["period_end"], by=request.user
            )
            return redirect("quality:review", pk=review.pk)
        except DomainError as e:
            refused(request, e)
    else:
        messages.error(request, _("Check the unit and the period."))
    return redirect("quality:reviews")


def _review(request, pk, perm=VIEW_REVIEW) -> Review:
    return perm.get_object(
        request.user, Review.objects.select_related("unit__region", "unit__parent", "catalogue"), pk=pk
    )


def _granskare():
    ids = RoleAssignment.objects.active().filter(role=Role.GRANSKARE).values("user_id")
    return User.objects.filter(pk__in=ids, is_active=True).order_by("last_name", "first_name")


@permission(VIEW_REVIEW)
def review_detail(request, pk):
    review = _review(request, pk)
    user = request.user
    conducts = CONDUCT_REVIEW.allows(user, review)
    coordinates = is_coordinator(user)
    participates = PARTICIPATE.allows(user, review)
    step = services.TRANSITIONS.get(review.state)
    can_step = bool(step) and conducts and (step[0] not in services.COORDINATOR_STEPS or coordinates)
    ctx = {
        "review": review,
        "states": ReviewState.choices,
        "state_index": ReviewState.values.index(review.state),
        "reviewers": list(review.reviewers.select_related("reviewer")),
        "conflict_labels": services.CONFLICT_LABELS,
        "documents": list(review.documents.all()),
        "conducts": conducts,
        "coordinates": coordinates,
        "participates": participates,
        "step": step if can_step else None,
        "published": review.is_published,
        "show_findings": conducts or review.is_published,
        "can_see_evaluations": EVALUATION_RESULTS.allows(user, review.unit),
    }
    if coordinates and review.state in (ReviewState.PLANNED, ReviewState.SURVEYS_OPEN):
        ctx["assign_form"] = AssignReviewerForm(reviewers=_granskare())
    if conducts:
        ctx["links_form"] = SurveyLinksForm()
        ctx["note_form"] = NoteForm()
        ctx["notes"] = list(review.notes.select_related("author"))
        labels = dict(SurveyRole.choices)
        ctx["link_counts"] = [
            {**row, "label": labels.get(row["role"], row["role"])}
            for row in review.survey_links.values("role")
            .annotate(total=Count("pk"), answered=Count("pk", filter=Q(used=True)))
            .order_by("role")
        ]
        if review.state == ReviewState.PRELIMINARY:
            ctx["calibration_form"] = CalibrationForm()
    if participates:
        ctx["document_form"] = DocumentForm()
    if ctx["show_findings"]:
        ctx["area_findings"] = list(review.area_findings.select_related("area"))
        ctx["statement_findings"] = list(review.statement_findings.select_related("statement__area"))
        for finding in ctx["statement_findings"]:
            finding.remedy_form = RemedyForm(prefix=f"r{finding.pk}")  # ids unique on the page
        ctx["can_report_remedy"] = participates and review.state in (ReviewState.PUBLISHED, ReviewState.FOLLOW_UP)
        ctx["can_accept_remedy"] = conducts and review.state == ReviewState.FOLLOW_UP
    return render(request, "quality/review_detail.html", ctx)


@permission(CONDUCT_REVIEW)
@require_POST
def review_step(request, pk):
    review = _review(request, pk, CONDUCT_REVIEW)
    step = services.TRANSITIONS.get(review.state)
    if step is None or step[0] != request.POST.get("step"):
        messages.error(request, _("The review has moved on; look again."))
        return redirect("quality:review", pk=pk)
    if step[0] in services.COORDINATOR_STEPS and not is_coordinator(request.user):
        raise PermissionDenied
    kwargs = {}
    if step[0] == "calibrate_review":
        form = CalibrationForm(request.POST)
        kwargs["note"] = form.data.get("note", "")
    try:
        getattr(services, step[0])(review, by=request.user, **kwargs)
        messages.success(
            request, _("The review is now: %(state)s.") % {"state": Review.objects.get(pk=pk).get_state_display()}
        )
    except DomainError as e:
        refused(request, e)
    return redirect("quality:review", pk=pk)


@permission(COORDINATE)
@require_POST
def review_assign(request, pk):
    review = _review(request, pk, COORDINATE)
    form = AssignReviewerForm(request.POST, reviewers=_granskare())
    if form.is_valid():
        try:
            services.assign_reviewer(
                review, form.cleaned_data["reviewer"], by=request.user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The reviewer is assigned."))
        except DomainError as e:
            refused(request, e)
    else:
        messages.error(request, _("Choose a reviewer."))
    return redirect("quality:review", pk=pk)


@permission(CONDUCT_REVIEW)
@require_POST
def review_links(request, pk):
    review = _review(request, pk, CONDUCT_REVIEW)
    form = SurveyLinksForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role and a number of links from 1 to 200."))
        return redirect("quality:review", pk=pk)
    try:
        tokens = services.issue_survey_links(
            review, role=form.cleaned_data["role"], count=form.cleaned_data["count"], by=request.user
        )
    except DomainError as e:
        refused(request, e)
        return redirect("quality:review", pk=pk)
    urls = [request.build_absolute_uri(reverse("quality:survey", args=[t])) for t in tokens]
    return render(
        request, "quality/survey_links.html", {"review": review, "urls": urls, "role": form.cleaned_data["role"]}
    )


@permission(PARTICIPATE)
@require_POST
def review_document(request, pk):
    review = _review(request, pk, PARTICIPATE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.upload_document(
                review, title=form.cleaned_data["title"], file=form.cleaned_data["file"], by=request.user
            )
            messages.success(request, _("The document is sent in."))
        except DomainError as e:
            refused(request, e)
    else:
        messages.error(request, _("Give a title and choose a file."))
    return redirect("quality:review", pk=pk)


@permission(VIEW_REVIEW)
def review_document_download(request, pk, doc):
    review = _review(request, pk)
    document = SteeringDocument.objects.filter(review=review, pk=doc).first()
    if document is None:
        raise Http404
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.file.name.rsplit("/", 1)[-1])


@permission(CONDUCT_REVIEW)
@require_POST
def review_note(request, pk):
    review = _review(request, pk, CONDUCT_REVIEW)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.add_note(review, by=request.user, **form.cleaned_data)
            messages.success(request, _("The note is saved."))
        except DomainError as e:
            refused(request, e)
    else:
        messages.error(request, _("Write the note."))
    return redirect("quality:review", pk=pk)


@permission(CONDUCT_REVIEW)
def review_findings(request, pk):
    review = _review(request, pk, CONDUCT_REVIEW)
    areas = list(review.catalogue.areas.prefetch_related("statements"))
    grades = {f.area_id: f for f in review.area_findings.all()}
    judged = {f.statement_id: f for f in review.statement_findings.all()}
    editable = review.state in services.FINDING_STATES
    if request.method == "POST":
        if not editable:
            messages.error(request, _("Areas are graded during the visit and the preliminary report."))
            return redirect("quality:review_findings", pk=pk)
        target = request.POST.get("target", "")
        try:
            if target.startswith("area-"):
                area = next(a for a in areas if str(a.pk) == target[5:])
                form = AreaFindingForm(request.POST, prefix=target)
                if form.is_valid():
                    services.grade_area(review, area, by=request.user, **form.cleaned_data)
                    messages.success(request, _("Saved."))
                else:
                    messages.error(request, _("Choose a grade."))
            elif target.startswith("st-"):
                statement = Statement.objects.get(pk=int(target[3:]), area__catalogue=review.catalogue)
                form = StatementFindingForm(request.POST, prefix=target)
                if form.is_valid():
                    services.judge_statement(review, statement, by=request.user, **form.cleaned_data)
                    messages.success(request, _("Saved."))
                else:
                    messages.error(request, _("Check the answer: fulfilment, action and date."))
        except (StopIteration, ValueError, Statement.DoesNotExist):
            raise Http404 from None
        except DomainError as e:
            refused(request, e)
        return redirect(reverse("quality:review_findings", args=[pk]) + f"#{target}")
    rows = []
    for area in areas:
        f = grades.get(area.pk)
        area_form = AreaFindingForm(prefix=f"area-{area.pk}", initial={"grade": f.grade, "text": f.text} if f else None)
        statements = []
        for s in area.statements.all():
            sf = judged.get(s.pk)
            initial = (
                {
                    "fulfilment": sf.fulfilment,
                    "action": sf.action,
                    "action_text": sf.action_text,
                    "due_date": sf.due_date,
                }
                if sf
                else None
            )
            statements.append((s, sf, StatementFindingForm(prefix=f"st-{s.pk}", initial=initial)))
        rows.append({"area": area, "finding": f, "form": area_form, "statements": statements})
    return render(request, "quality/findings.html", {"review": review, "rows": rows, "editable": editable})


@permission(CONDUCT_REVIEW)
def review_results(request, pk):
    review = _review(request, pk, CONDUCT_REVIEW)
    areas = list(review.catalogue.areas.prefetch_related("statements"))
    return render(
        request,
        "quality/results.html",
        {
            "review": review,
            "areas": areas,
            "roles": anonymity.survey_results(review),
            "ind": unit_indicators(
                review.unit, start=review.period_start, end=review.period_end, exclude_review=review
            ),
            "evaluations": anonymity.evaluation_results(review.unit),
        },
    )


@permission(NATIONAL_LIST)
def review_pdf(request, pk):
    review = NATIONAL_LIST.get_object(request.user, Review.objects.all(), pk=pk)
    if not review.report_pdf:
        raise Http404
    return FileResponse(
        review.report_pdf.open("rb"), content_type="application/pdf", filename=f"granskning-{review.pk}.pdf"
    )


@permission(CONDUCT_REVIEW)
def review_draft_pdf(request, pk):
    """The report as it stands, marked as a draft, for the reviewers and the calibration before publishing."""
    from django.http import HttpResponse

    from . import pdf

    review = _review(request, pk, CONDUCT_REVIEW)
    response = HttpResponse(pdf.render_report(review, draft=True), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="granskning-{review.pk}-utkast.pdf"'
    return response


@permission(REPORT_REMEDY)
@require_POST
def finding_remedy(request, pk):
    finding = REPORT_REMEDY.get_object(request.user, StatementFinding.objects.select_related("review"), pk=pk)
    form = RemedyForm(request.POST, request.FILES, prefix=f"r{finding.pk}")
    if form.is_valid():
        try:
            services.report_remedy(
                finding, evidence=form.cleaned_data["evidence"], file=form.cleaned_data["file"], by=request.user
            )
            messages.success(request, _("The remedy is reported."))
        except DomainError as e:
            refused(request, e)
    else:
        messages.error(request, _("Describe what was done."))
    return redirect("quality:review", pk=finding.review_id)


@permission(ACCEPT_REMEDY)
@require_POST
def finding_accept(request, pk):
    finding = ACCEPT_REMEDY.get_object(request.user, StatementFinding.objects.select_related("review"), pk=pk)
    try:
        services.accept_remedy(finding, by=request.user)
        messages.success(request, _("The remedy is accepted."))
    except DomainError as e:
        refused(request, e)
    return redirect("quality:review", pk=finding.review_id)


# ---------------------------------------------------------------------------
# Surveys (by link; no login)
# ---------------------------------------------------------------------------


@public
def survey(request, token):
    try:
        link = services.survey_link_for(token)
    except DomainError as e:
        return render(request, "quality/link_invalid.html", {"message": str(e)}, status=404)
    statements = services.survey_statements(link.review, link.role)
    form = SurveyForm(request.POST or None, statements=statements)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_survey(token, answers=form.answers(), comment=form.cleaned_data["comment"])
        except DomainError as e:
            return render(request, "quality/link_invalid.html", {"message": str(e)}, status=400)
        return render(request, "quality/survey_done.html", {"review": link.review})
    return render(
        request,
        "quality/survey.html",
        {
            "link": link,
            "form": form,
            "representative": link.role in anonymity.REPRESENTATIVE_ROLES,
            "threshold": anonymity.threshold(),
        },
    )


# ---------------------------------------------------------------------------
# The criteria catalogue (national coordinator, admin)
# ---------------------------------------------------------------------------


@permission(CATALOGUE)
def catalogues(request):
    rows = Catalogue.objects.annotate(n_reviews=Count("reviews")).order_by("-valid_from", "-pk")
    return render(request, "quality/catalogues.html", {"catalogues": rows})


@permission(CATALOGUE)
def catalogue_detail(request, pk):
    catalogue = CATALOGUE.get_object(request.user, Catalogue.objects.all(), pk=pk)
    in_use = catalogue.in_use
    if request.method == "POST":
        statement = Statement.objects.filter(pk=request.POST.get("statement"), area__catalogue=catalogue).first()
        if statement is None:
            raise Http404
        form = StatementForm(request.POST, prefix=f"s{statement.pk}")
        if form.is_valid():
            for name, value in form.cleaned_data.items():
                setattr(statement, name, value)
            try:
                services.save_statement(statement, by=request.user)
                messages.success(request, _("Saved."))
            except DomainError as e:
                refused(request, e)
        else:
            messages.error(request, _("Fill in the statement, its kind and its source."))
        return redirect("quality:catalogue", pk=pk)
    areas = list(catalogue.areas.prefetch_related("statements"))
    rows = [
        (
            area,
            [
                (
                    s,
                    None
                    if in_use
                    else StatementForm(
                        prefix=f"s{s.pk}",
                        initial={"text": s.text, "kind": s.kind, "source": s.source, "roles": s.roles},
                    ),
                )
                for s in area.statements.all()
            ],
        )
        for area in areas
    ]
    return render(
        request,
        "quality/catalogue.html",
        {"catalogue": catalogue, "rows": rows, "in_use": in_use, "copy_form": CopyCatalogueForm()},
    )


@permission(CATALOGUE)
@require_POST
def catalogue_copy(request, pk):
    catalogue = CATALOGUE.get_object(request.user, Catalogue.objects.all(), pk=pk)
    form = CopyCatalogueForm(request.POST)
    try:
        new = services.copy_catalogue(catalogue, version=form.data.get("version", ""), by=request.user)
    except DomainError as e:
        refused(request, e)
        return redirect("quality:catalogue", pk=pk)
    messages.success(request, _("A new version is made; edit it, then make it current."))
    return redirect("quality:catalogue", pk=new.pk)


@permission(CATALOGUE)
@require_POST
def catalogue_current(request, pk):
    catalogue = CATALOGUE.get_object(request.user, Catalogue.objects.all(), pk=pk)
    services.make_current(catalogue, by=request.user)
    messages.success(request, _("New reviews start with this catalogue."))
    return redirect("quality:catalogue", pk=pk)
