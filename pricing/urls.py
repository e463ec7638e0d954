from django.urls import path

from . import feeds, views

app_name = "pricing"

urlpatterns = [
    path("changes/", views.price_changes, name="changes"),
    path("changes/feed/", feeds.PriceChangesFeed(), name="changes_feed"),
]
