"""The portable record from the pages: export from a BT doctor's page (for everyone who may see
the record), import for the BT office of the receiving region."""

import tempfile

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.permissions import permission
from api.permissions import IMPORT_RECORD
from api.record import RecordError
from api.record.exporting import export_record
from api.record.importing import import_record
from core.forms import BootstrapFormMixin
from organisations.models import Unit
from trainees.models import Trainee
from trainees.permissions import VIEW_TRAINEE


@permission(VIEW_TRAINEE)
def record_export(request, pk):
    trainee = VIEW_TRAINEE.get_object(request.user, Trainee.objects.select_related("user"), pk=pk)
    # FileResponse closes the spool when the response is done.
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    try:
        export_record(trainee, spool)
    except RecordError as error:
        messages.error(request, str(error))
        return redirect("trainees:detail", pk=trainee.pk)
    spool.seek(0)
    return FileResponse(
        spool, as_attachment=True, filename=f"bt-record-{trainee.pk}.zip", content_type="application/zip"
    )


class ImportForm(BootstrapFormMixin, forms.Form):
    archive = forms.FileField(label=gettext_lazy("Archive (zip)"))
    region = forms.ModelChoiceField(label=gettext_lazy("Receiving region"), queryset=None)
    home_unit = forms.ModelChoiceField(
        label=gettext_lazy("Home unit"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Needed when the record comes from another region."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = IMPORT_RECORD.queryset(user)
        self.fields["region"].queryset = regions
        self.fields["home_unit"].queryset = Unit.objects.filter(region__in=regions).select_related("parent", "region")
        if regions.count() == 1:
            self.fields["region"].initial = regions.first()

    def clean_archive(self):
        archive = self.cleaned_data["archive"]
        if archive.size > settings.RECORD_MAX_BYTES:
            raise forms.ValidationError(_("The archive is too large."))
        return archive


@permission(IMPORT_RECORD)
@require_http_methods(["GET", "POST"])
def record_import(request):
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        region = form.cleaned_data["region"]
        IMPORT_RECORD.check(request.user, region)
        try:
            result = import_record(
                form.cleaned_data["archive"], region=region, home_unit=form.cleaned_data["home_unit"], by=request.user
            )
        except RecordError as error:
            form.add_error(None, str(error))
        else:
            if result.changed:
                messages.success(request, _("The record of %(name)s is imported.") % {"name": result.trainee})
            else:
                messages.info(
                    request, _("The record of %(name)s was already here; nothing changed.") % {"name": result.trainee}
                )
            return redirect("trainees:detail", pk=result.trainee.pk)
    return render(request, "api/record_import.html", {"form": form})
