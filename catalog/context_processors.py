from django.conf import settings


def list_repository(request):
    """The address of the list's repository, where the README is published and entries are proposed."""
    return {"list_repository_url": settings.CATALOG_LIST_REPOSITORY_URL}
