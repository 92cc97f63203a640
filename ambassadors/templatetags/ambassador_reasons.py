from django import template

from ambassadors.reasons import reasons_text as _reasons_text

register = template.Library()


@register.filter
def reasons_text(reasons) -> list[str]:
    """An ambassador proposal's reasons in words, in the active language."""
    return _reasons_text(reasons or [])
