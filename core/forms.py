"""Form helpers every app uses: Bootstrap classes, the date picker, the hidden version of
optimistic locking, the file input of a table upload."""

from django import forms

from core.locking import STALE
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
