"""The maintainers' admin: one module per model, the bulk actions and filters they share, the README page."""

from django.contrib import admin

from catalog.admin import (
    authors,
    check_runs,
    link_checks,
    papers,
    repositories,
    resources,
    sections,
    tags,
    venues,
)

# The changelists need the width: the catalog has few models, all linked from the index page.
admin.site.enable_nav_sidebar = False
admin.site.site_header = "Awesome Interpretability catalog"
admin.site.site_title = "Catalog admin"
admin.site.index_title = "Papers, resources and the README"

__all__ = ["authors", "check_runs", "link_checks", "papers", "repositories", "resources", "sections", "tags", "venues"]
