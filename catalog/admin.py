from django.contrib import admin

from catalog.models import Paper, PaperLink, Resource, ResourceLink, Section, TextBlock, Venue


class PaperLinkInline(admin.TabularInline):
    model = PaperLink
    extra = 0
    fields = ["kind", "position", "label", "url"]


class ResourceLinkInline(admin.TabularInline):
    model = ResourceLink
    extra = 0
    fields = ["position", "label", "url"]


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ["title", "venue", "date", "section"]
    list_filter = ["section", "venue"]
    list_select_related = ["venue", "section"]
    search_fields = ["title", "url"]
    date_hierarchy = "date"
    autocomplete_fields = ["venue", "section"]
    inlines = [PaperLinkInline]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "section", "position"]
    list_filter = ["section"]
    list_select_related = ["section"]
    search_fields = ["name", "url", "description"]
    autocomplete_fields = ["section"]
    inlines = [ResourceLinkInline]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class TextBlockInline(admin.StackedInline):
    model = TextBlock
    extra = 0


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "kind", "position"]
    list_filter = ["kind", "level"]
    search_fields = ["title"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [TextBlockInline]
