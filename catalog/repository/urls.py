from django.urls import path

from catalog.repository import views

urlpatterns = [
    path("hooks/github/", views.github_webhook, name="github-webhook"),
    path("repository/checks/<int:pk>/", views.pull_request_check, name="repository-check"),
]
