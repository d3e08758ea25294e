"""Where a new entry or section goes when nobody gave it a position.

Papers, resources and text blocks of one section share one ordering space, spaced by
GAP so that an insertion rarely has to move its neighbours. The caller gives that space as
`section_items`: one queryset per model of the section's items.
"""

from django.db.models import F, Max

GAP = 1024


def _neighbour(section_items, *, below=None, above=None):
    """The nearest position in the section below `below` or above `above`, or None."""
    found = []
    for items in section_items:
        if below is not None:
            found.append(items.filter(position__lt=below).aggregate(p=Max("position"))["p"])
        else:
            following = items.filter(position__gt=above).order_by("position")
            found.append(following.values_list("position", flat=True).first())
    found = [position for position in found if position is not None]
    if not found:
        return None
    return max(found) if below is not None else min(found)


def _between(querysets, low, high):
    """A free position strictly between `low` and `high`, moving the rows from `high` on down if needed."""
    if high - low < 2:
        for rows in querysets:
            rows.filter(position__gte=high).update(position=F("position") + GAP)
        high += GAP
    return (low + high) // 2


def position_before(section_items, position):
    return _between(section_items, _neighbour(section_items, below=position) or 0, position)


def position_after(section_items, position):
    following = _neighbour(section_items, above=position)
    return position + GAP if following is None else _between(section_items, position, following)


def position_at_end(section_items):
    last = max((items.aggregate(p=Max("position"))["p"] or 0 for items in section_items), default=0)
    return last + GAP


def place_paper(paper, section_items):
    """Newest first: above the first paper of the section dated on or before this one that is not a sub-item (which
    stays under the item above it)."""
    papers = type(paper).objects.filter(section_id=paper.section_id).exclude(pk=paper.pk).order_by("position", "id")
    top_level = papers.exclude(render_hints__has_key="indent")
    following = top_level.filter(date__lte=paper.date).values_list("position", flat=True).first()
    if following is not None:
        return position_before(section_items, following)
    last = papers.values_list("position", flat=True).last()
    if last is not None:
        return position_after(section_items, last)
    return position_at_end(section_items)


def place_resource(resource, section_items):
    """After the last resource of the section, or at its end."""
    resources = type(resource).objects.filter(section_id=resource.section_id).exclude(pk=resource.pk)
    last = resources.aggregate(p=Max("position"))["p"]
    if last is not None:
        return position_after(section_items, last)
    return position_at_end(section_items)


def place_section(section):
    """Last among the sections under its parent, or last in the document."""
    sections = list(type(section).objects.exclude(pk=section.pk).order_by("position", "id"))
    if section.parent_id is None or not sections:
        return (sections[-1].position if sections else 0) + GAP
    index = next(i for i, other in enumerate(sections) if other.pk == section.parent_id)
    parent = sections[index]
    index += 1
    while index < len(sections) and sections[index].level > parent.level:
        index += 1
    low = sections[index - 1].position
    if index == len(sections):
        return low + GAP
    return _between([type(section).objects.all()], low, sections[index].position)
