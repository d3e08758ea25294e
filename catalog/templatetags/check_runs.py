from functools import reduce
from operator import or_

from django import template
from django.db.models import Q, Subquery

from catalog.models import CheckRun

register = template.Library()


@register.simple_tag
def last_check_runs():
    """The last run of each kind, as (kind, run or None) pairs, in one query."""
    last = (Q(pk=Subquery(CheckRun.objects.filter(kind=kind).values("pk")[:1])) for kind in CheckRun.Kind)
    runs = {run.kind: run for run in CheckRun.objects.filter(reduce(or_, last)).select_related("requested_by")}
    return [(kind, runs.get(kind)) for kind in CheckRun.Kind]
