from django.urls import path

from . import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("models/<model:slug>/", views.model_profile, name="model_profile"),
]
