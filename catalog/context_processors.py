from django.conf import settings

from catalog.urls_memo import memo_reverse


def list_repository(request):
    """The address of the list's repository, where the README is published and entries are proposed."""
    return {"list_repository_url": settings.CATALOG_LIST_REPOSITORY_URL}


def paper_list_url(request):
    """The address of the papers list, which every paper entry's tag links start with."""
    return {"paper_list_url": memo_reverse("catalog:paper-list")}
