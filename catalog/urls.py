from django.urls import path

from catalog.views import pages

app_name = "catalog"

urlpatterns = [
    path("", pages.HomeView.as_view(), name="home"),
    path("papers/<int:pk>/", pages.PaperDetailView.as_view(), name="paper-detail"),
    path("resources/<int:pk>/", pages.ResourceDetailView.as_view(), name="resource-detail"),
    path("sections/<slug:slug>/", pages.SectionDetailView.as_view(), name="section-detail"),
]
