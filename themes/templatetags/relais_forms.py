"""Render any form field with DSFR markup, whatever form class it comes from (allauth's included)."""

from django import template
from django.forms import BoundField, widgets

register = template.Library()

# Widgets the DSFR styles through their group, not through a class on the input.
UNSTYLED_WIDGETS = (widgets.CheckboxInput, widgets.RadioSelect, widgets.CheckboxSelectMultiple, widgets.FileInput)


@register.simple_tag
def dsfr_widget(field: BoundField, *, extra_class: str = "", hide_help: bool = False) -> str:
    """The field's widget with the DSFR input class and ARIA links to its hint and its errors."""
    widget = field.field.widget
    attrs = {}
    if not isinstance(widget, UNSTYLED_WIDGETS):
        base = "fr-select" if isinstance(widget, widgets.Select) else "fr-input"
        attrs["class"] = " ".join(filter(None, [widget.attrs.get("class", ""), base, extra_class]))
    described_by = []
    if field.help_text and not hide_help:
        described_by.append(f"{field.auto_id}-hint")
    if field.errors:
        described_by.append(f"{field.auto_id}-desc-error")
        attrs["aria-invalid"] = "true"
    if described_by:
        attrs["aria-describedby"] = " ".join(described_by)
    return field.as_widget(attrs=attrs)
