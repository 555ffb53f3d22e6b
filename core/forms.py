"""Form helpers every app uses: Bootstrap classes, the date picker, the hidden version of
optimistic locking, the file input of a table upload."""

from django import forms

from core.locking import STALE
from core.tables import ACCEPT

# A multiple-choice widget (checkboxes, radio buttons) as a list of labelled choices, each label
# a tap target of at least 44 × 44 px that ticks its own box (site.css, `.choice-list`). The
# Bootstrap class goes on each input, never on the list's wrapper: `form-check-input` on the
# wrapper collapsed the whole list into one 16 px box that other elements then covered.
CHOICE_LIST_TEMPLATE = "core/widgets/choice_list.html"
CHOICE_OPTION_TEMPLATE = "core/widgets/choice_option.html"


def as_choice_list(widget):
    """Render a CheckboxSelectMultiple or RadioSelect as `.choice-list` (in place; returns it)."""
    widget.template_name = CHOICE_LIST_TEMPLATE
    widget.option_template_name = CHOICE_OPTION_TEMPLATE
    return widget


class BootstrapFormMixin:
    """Give every widget Bootstrap's classes so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, (forms.CheckboxSelectMultiple, forms.RadioSelect)):
                as_choice_list(widget)
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxInput):
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
