"""Form helpers every app uses: Bootstrap classes, the date picker, the file input of a table
upload."""

from django import forms

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


class TableFileField(forms.FileField):
    """The file of a table upload (`core.tables`): CSV or an Excel workbook."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": ACCEPT}))
        super().__init__(**kwargs)
