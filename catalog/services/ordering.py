"""Moving resources and sections one place up or down, which is what the README export follows."""

from django.db import transaction

from catalog.models import Resource, Section

UP, DOWN = "up", "down"


def move_resource(resource: Resource, direction: str) -> bool:
    """Swap `resource` with the previous (UP) or next (DOWN) resource of its section; False at the end."""
    resource.refresh_from_db(fields=["position"])
    siblings = Resource.objects.filter(section_id=resource.section_id).exclude(pk=resource.pk)
    if direction == UP:
        neighbour = siblings.filter(position__lt=resource.position).order_by("-position", "-id").first()
    else:
        neighbour = siblings.filter(position__gt=resource.position).order_by("position", "id").first()
    if neighbour is None:
        return False
    with transaction.atomic():
        resource.position, neighbour.position = neighbour.position, resource.position
        Resource.objects.bulk_update([resource, neighbour], ["position"])
    return True


def move_section(section: Section, direction: str) -> bool:
    """Swap `section`, with its subsections, with the previous (UP) or next (DOWN) section under the same parent.

    False when there is no such section. Sections in between keep their place.
    """
    sections = list(Section.objects.order_by("position", "id"))
    blocks = [
        _subtree(sections, index)
        for index, other in enumerate(sections)
        if other.parent_id == section.parent_id and other.level == section.level and other.level > 0
    ]
    index = next((i for i, block in enumerate(blocks) if block[0].pk == section.pk), None)
    if index is None:
        return False
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(blocks):
        return False
    first, second = sorted((index, other))
    moved = blocks[second] + blocks[first]
    positions = sorted(row.position for row in moved)
    for row, position in zip(moved, positions, strict=True):
        row.position = position
    with transaction.atomic():
        Section.objects.bulk_update(moved, ["position"])
    section.position = next(row.position for row in moved if row.pk == section.pk)
    return True


def _subtree(sections: list[Section], index: int) -> list[Section]:
    """The section at `index` and the deeper sections that follow it."""
    end = index + 1
    while end < len(sections) and sections[end].level > sections[index].level:
        end += 1
    return sections[index:end]
