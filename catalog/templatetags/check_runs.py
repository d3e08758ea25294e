from django import template

from catalog.models import CheckRun

register = template.Library()


@register.simple_tag
def last_check_runs():
    """The last run of each kind, as (kind, run or None) pairs."""
    return [(kind, CheckRun.objects.filter(kind=kind).select_related("requested_by").first()) for kind in CheckRun.Kind]
