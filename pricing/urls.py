from django.urls import path

from . import feeds, views

app_name = "pricing"

urlpatterns = [
    path("pricing/changes/", views.price_changes, name="changes"),
    path("pricing/changes/feed/", feeds.PriceChangesFeed(), name="changes_feed"),
    path(
        "models/<model:slug>/prices/feed/", feeds.ModelPriceChangesFeed(), name="model_price_feed"
    ),
]
