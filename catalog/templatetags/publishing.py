from django import template

from catalog.services.unpublished import unpublished_change_count

register = template.Library()


@register.simple_tag
def unpublished_changes():
    return unpublished_change_count()
