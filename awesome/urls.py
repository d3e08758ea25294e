from django.contrib import admin
from django.urls import include, path

from catalog.admin.readme import readme_page

urlpatterns = [
    path("admin/readme/", admin.site.admin_view(readme_page), name="admin-readme"),
    path("admin/", admin.site.urls),
    path("", include("catalog.repository.urls")),
    path("", include("suggestions.urls")),
    path("", include("catalog.urls")),
]
