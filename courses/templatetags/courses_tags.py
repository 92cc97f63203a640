"""Template tags other apps' templates may use without importing courses."""

from django import template

from courses.selectors import modules_added

register = template.Library()


@register.inclusion_tag("courses/includes/modules_added.html")
def modules_added_for(user):
    """ "Ce que chaque module m'a apporté", for "Mes compétences"."""
    return {"contributions": modules_added(user=user) if user.is_authenticated else []}
