"""The maintainers' admin: one module per model, the bulk actions and filters they share, the README page."""

from catalog.admin import papers, resources, sections, tags, venues

__all__ = ["papers", "resources", "sections", "tags", "venues"]
