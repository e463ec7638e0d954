from django.urls import path

from .feeds import ModelVerdictsFeed, VerdictsFeed

app_name = "editorial"

urlpatterns = [
    path("verdicts/feed/", VerdictsFeed(), name="verdict_feed"),
    path("models/<model:slug>/verdicts/feed/", ModelVerdictsFeed(), name="model_verdict_feed"),
]
