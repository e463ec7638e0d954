from django.urls import path

from pricing.feeds import ModelPriceChangesFeed

from . import views

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("models/<model:slug>/", views.model_profile, name="model_profile"),
    path(
        "models/<model:slug>/prices/feed/",
        ModelPriceChangesFeed(),
        name="model_price_feed",
    ),
]
