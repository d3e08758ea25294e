from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("papers/<int:pk>/", views.PaperDetailView.as_view(), name="paper-detail"),
    path("resources/<int:pk>/", views.ResourceDetailView.as_view(), name="resource-detail"),
    path("sections/<slug:slug>/", views.SectionDetailView.as_view(), name="section-detail"),
]
