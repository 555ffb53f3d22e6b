"""Import of BT-läkare and plans from CSV/xlsx, and export of a region's plans to xlsx."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import permission
from core import exports, tables
from core.forms import BootstrapFormMixin, TableFileField
from organisations.models import Region
from organisations.permissions import EXPORT_REGION
from trainees import exporting, importing
from trainees.permissions import IMPORT


class ImportForm(BootstrapFormMixin, forms.Form):
    file = TableFileField(label=_("File to import"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "A CSV file (comma or semicolon separated, UTF-8) or an Excel workbook (.xlsx); at most %(size)s MB and %(rows)s rows."
        ) % {"size": tables.MAX_BYTES // (1024 * 1024), "rows": tables.MAX_ROWS}


@permission(IMPORT)
@require_http_methods(["GET", "POST"])
def import_trainees(request):
    """Upload → validate every row → import all rows in one transaction, or nothing.

    "Check the file" validates without importing; "Import" validates and imports when clean.
    """
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context = {
        "form": form,
        "columns": importing.COLUMNS,
        "max_rows": tables.MAX_ROWS,
        "export_regions": EXPORT_REGION.queryset(request.user).order_by("name"),
        "check_only": request.POST.get("action") == "check",
    }
    if request.method == "POST" and form.is_valid():
        try:
            table = importing.read_table(form.cleaned_data["file"])
        except tables.FileProblem as problem:
            form.add_error("file", str(problem))
        else:
            report = importing.validate(table, user=request.user)
            context["report"] = report
            if report.ok and not context["check_only"]:
                try:
                    context["imported"] = importing.run_import(report, by=request.user)
                except tables.ImportFailed as failure:
                    form.add_error(None, str(failure))
    return render(request, "trainees/import.html", context)


@permission(IMPORT)
@require_GET
def import_template(request):
    """The CSV template: semicolon separated with a BOM, so Swedish Excel opens it as columns."""
    header, *rows = importing.template_rows()
    content = exports.write_csv(exports.Sheet("template", rows, header=header))
    return exports.download(content, "bt-import-template.csv")


@permission(EXPORT_REGION)
@require_GET
def export_region(request, slug):
    region = EXPORT_REGION.get_object(request.user, Region.objects.all(), slug=slug)
    # A whole region at national scale (a thousand BT-läkare or more) takes longer than a request
    # may: it is offered as a background export with a download when done (reports' exports).
    if exporting.region_trainees(request.user, region).count() > settings.REPORTS_INLINE_EXPORT_ROWS:
        return render(request, "trainees/export_large.html", {"region": region})
    filename = exporting.export_filename(region, timezone.localdate())
    return exports.download(exporting.build_workbook(request.user, region), filename)
