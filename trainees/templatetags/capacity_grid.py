"""The numbers of a capacity grid's cell or total (timelines, the planning review), written in Python: a
region's grid has a hundred and more of them, and a template include per cell, with its lookups and
translations, was most of the time the grid took to draw."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext

from trainees.capacity import FULL, NONE, OVER

register = template.Library()


@register.simple_tag
def capacity_numbers(item):
    """Placed / capacity (what a screen reader reads in words) and the state: free, full, over, none."""
    used, capacity, overridden, state = item.used, item.capacity, getattr(item, "overridden", False), item.state
    words = ngettext("%(counter)s placed, capacity %(capacity)s", "%(counter)s placed, capacity %(capacity)s", used) % {
        "counter": used,
        "capacity": capacity,
    }
    if overridden:
        words += " " + gettext("(adjusted capacity this month)")
    if state == OVER:
        over_by = item.over_by
        said = format_html(
            '<span aria-hidden="true">⚠ </span>{}',
            ngettext("%(counter)s over capacity", "%(counter)s over capacity", over_by) % {"counter": over_by},
        )
    elif state == FULL:
        said = gettext("full")
    elif state == NONE:
        said = gettext("no capacity")
    else:
        free = item.free
        said = ngettext("%(counter)s free", "%(counter)s free", free) % {"counter": free}
    return format_html(
        '<span class="cap-numbers"><span aria-hidden="true">{} / {}{}</span><span class="visually-hidden">{}</span>'
        '</span>\n<span class="cap-state d-block small">{}</span>\n',
        used,
        capacity,
        "*" if overridden else "",
        words,
        said,
    )
