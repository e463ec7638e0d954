from django.urls import path

from pricing.feeds import ModelPriceChangesFeed

from . import views
from .feeds import ModelVerdictsFeed, VerdictsFeed

app_name = "site"

urlpatterns = [
    path("", views.home, name="home"),
    path("leaderboard.csv", views.leaderboard_csv, name="leaderboard_csv"),
    path("leaderboard.json", views.leaderboard_json, name="leaderboard_json"),
    path("compare/", views.compare, name="compare"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<slug:slug>/", views.provider_detail, name="provider_detail"),
    path("search/", views.search, name="search"),
    path("usecases/", views.usecase_list, name="usecase_list"),
    path("usecases/<slug:slug>/", views.usecase_detail, name="usecase_detail"),
    path("benchmarks/speed/", views.speed_board, name="speed_board"),
    path("benchmarks/methodology/", views.methodology, name="methodology"),
    path("verdicts/feed/", VerdictsFeed(), name="verdict_feed"),
    path("models/<model:slug>/", views.model_profile, name="model_profile"),
    path(
        "models/<model:slug>/prices/feed/",
        ModelPriceChangesFeed(),
        name="model_price_feed",
    ),
    path(
        "models/<model:slug>/verdicts/feed/",
        ModelVerdictsFeed(),
        name="model_verdict_feed",
    ),
]
