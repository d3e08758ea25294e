from django import template

from suggestions.models import Suggestion

register = template.Library()


@register.simple_tag
def pending_suggestion_count():
    return Suggestion.objects.pending().count()
