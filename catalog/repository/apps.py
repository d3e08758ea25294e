from django.apps import AppConfig


class RepositoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog.repository"
    label = "repository"
    verbose_name = "The list's repository"
