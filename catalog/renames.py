"""Former tag slugs and venue names, so that links and feed subscriptions made before a rename or a merge still work.

A tag whose slug changes, or a venue whose name changes, keeps the old one (`FormerTagSlug`, `FormerVenueName`);
so do the tags and venues merged into another. A list address naming an old one is redirected to the current one.
"""

from django.db.models.functions import Lower
from django.db.models.signals import pre_save
from taggit.models import Tag

from catalog.models import FormerTagSlug, FormerVenueName, Venue


def remember_tag_slugs(slugs, *, tag):
    for slug in slugs:
        if slug != tag.slug:
            FormerTagSlug.objects.update_or_create(slug=slug, defaults={"tag": tag})
    FormerTagSlug.objects.filter(slug=tag.slug).delete()


def remember_venue_names(names, *, venue):
    for name in names:
        if name.lower() != venue.name.lower():
            FormerVenueName.objects.filter(name__iexact=name).delete()
            FormerVenueName.objects.create(name=name, venue=venue)
    FormerVenueName.objects.filter(name__iexact=venue.name).delete()


def remember_merged_tags(merged, *, into):
    """`merged` tags are about to be deleted: their slugs, and their own former slugs, lead to `into`."""
    FormerTagSlug.objects.filter(tag__in=merged).update(tag=into)
    remember_tag_slugs([tag.slug for tag in merged], tag=into)


def remember_merged_venues(merged, *, into):
    """`merged` venues are about to be deleted: their names, and their own former names, lead to `into`."""
    FormerVenueName.objects.filter(venue__in=merged).update(venue=into)
    remember_venue_names([venue.name for venue in merged], venue=into)


def tag_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    old = None if instance.pk is None else Tag.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
    if old is None:
        # A new tag takes its slug back from the tag it used to lead to.
        FormerTagSlug.objects.filter(slug=instance.slug).delete()
    elif old != instance.slug:
        remember_tag_slugs([old], tag=instance)


def venue_saved(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    old = Venue.objects.filter(pk=instance.pk).values_list("name", flat=True).first()
    if old is not None and old != instance.name:
        remember_venue_names([old], venue=instance)


def connect():
    pre_save.connect(tag_saved, sender=Tag, dispatch_uid="catalog.renames.tag_saved")
    pre_save.connect(venue_saved, sender=Venue, dispatch_uid="catalog.renames.venue_saved")


def renamed_query(filterset):
    """The bound, invalid `filterset`'s query with each former tag slug or venue name replaced by the current one,
    or None when it names none."""
    query, changed = filterset.data.copy(), False
    lookups = {
        "tag": lambda values: dict(FormerTagSlug.objects.filter(slug__in=values).values_list("slug", "tag__slug")),
        "venue": lambda values: {
            name.lower(): current
            for name, current in FormerVenueName.objects.annotate(lower=Lower("name"))
            .filter(lower__in=[value.lower() for value in values])
            .values_list("name", "venue__name")
        },
    }
    for name, lookup in lookups.items():
        if name not in filterset.form.errors:
            continue
        values = query.getlist(name)
        # No name holds a NUL, and PostgreSQL refuses one in a query.
        current = lookup([value for value in values if "\x00" not in value])
        key = (lambda value: value.lower()) if name == "venue" else (lambda value: value)
        if any(key(value) in current for value in values):
            replaced = [current.get(key(value), value) for value in values]
            query.setlist(name, list(dict.fromkeys(replaced)))
            changed = True
    return query if changed else None
