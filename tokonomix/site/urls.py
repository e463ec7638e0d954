from django.urls import path

from . import views

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
    # The leaderboard's canonical address; /en/ shows the same leaderboard (README, Pages).
    path("benchmarks/leaderboard/", views.home, name="leaderboard"),
    path("benchmarks/intelligence/", views.intelligence_board, name="intelligence_board"),
    path("benchmarks/speed/", views.speed_board, name="speed_board"),
    path("benchmarks/methodology/", views.methodology, name="methodology"),
    path("models/<model:slug>/", views.model_profile, name="model_profile"),
]
