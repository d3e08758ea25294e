from django.urls import path

from suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("suggest/", views.suggest, name="suggest"),
    path("suggest/thanks/", views.thanks, name="thanks"),
]
