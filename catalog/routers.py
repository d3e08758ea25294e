"""Keep the full-text index tables out of what Django writes or dumps: only the database's triggers fill them."""

from catalog.models import SEARCH_INDEX_MODELS


class SearchIndexRouter:
    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == "catalog" and model_name in SEARCH_INDEX_MODELS:
            return False
        return None
