"""Form helpers every app uses: Bootstrap classes, the date picker, the hidden version of
optimistic locking, the file input of a table upload."""

from django import forms
from django.db import transaction

from core.locking import STALE, bump_version
from core.tables import ACCEPT


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DateInput(forms.DateInput):
    """The browser's date picker. Its value is always ISO (YYYY-MM-DD), whatever the language,
    since that is the only format `<input type="date">` reads."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):
        super().__init__(attrs, format)


class VersionField(forms.IntegerField):
    """The hidden version of the record a form edits (optimistic locking, `core.locking`).

    Required: a POST without it, or with a malformed one, is stale, with the same plain words as
    a version someone else has moved on from. With `VersionedFormMixin` the words are shown above
    the form (a hidden field shows no errors of its own)."""

    widget = forms.HiddenInput

    def __init__(self, *, stale_message=None, **kwargs):
        message = stale_message or STALE
        kwargs.setdefault("min_value", 0)
        kwargs["error_messages"] = dict.fromkeys(("required", "invalid", "min_value", "max_value"), message)
        super().__init__(**kwargs)


class VersionedFormMixin:
    """A form with a `VersionField`: its errors become errors of the form as a whole."""

    def clean(self):
        data = super().clean()
        for name, field in self.fields.items():
            if isinstance(field, VersionField) and name in self._errors:
                for error in self._errors.pop(name).as_data():
                    self.add_error(None, error)
        return data


class TableFileField(forms.FileField):
    """The file of a table upload (`core.tables`): CSV or an Excel workbook."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)


class VersionedModelForm(VersionedFormMixin, forms.ModelForm):
    """A model form over a shared record with a `version` column (optimistic locking, one
    mechanism with `core.locking`): editing a stored record, the form carries the version it
    was shown with, and `save()` claims the next one with `bump_version` in the transaction that
    saves, or raises `StaleEdit` and saves nothing. A version-less POST is stale too. A new
    record has no version to check. Show the record as it is now with `current_form`."""

    version = VersionField()
    stale_message = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["version"]
        else:
            self.fields["version"].initial = self.instance.version
            if self.stale_message:
                self.fields["version"].error_messages.update(
                    dict.fromkeys(("required", "invalid", "min_value"), self.stale_message)
                )

    def save(self, commit=True):
        if self.instance.pk is None or not commit:
            return super().save(commit)
        with transaction.atomic():
            self.instance.version = bump_version(
                type(self.instance)._base_manager.filter(pk=self.instance.pk),
                expected=self.cleaned_data["version"],
                message=self.stale_message,
            )
            return super().save(commit)


def current_form(form_class, instance, error, **kwargs):
    """After a stale edit: the form again, showing the record as it is stored now, with the
    plain words of `error` above it."""
    current = type(instance)._base_manager.get(pk=instance.pk)
    form = form_class(instance=current, **kwargs)
    form.cleaned_data = {}  # an unbound form takes errors once it has (empty) cleaned data
    form.add_error(None, str(error))
    return form
