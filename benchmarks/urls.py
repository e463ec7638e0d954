from django.urls import path

from .testbench import views

app_name = "benchmarks"

urlpatterns = [
    path("live-test/", views.testbench, name="testbench"),
    path("live-test/<uuid:public_id>/", views.testbench_run, name="testbench_run"),
    path(
        "live-test/<uuid:public_id>/status.json",
        views.testbench_status,
        name="testbench_status",
    ),
    path("live-test/<uuid:public_id>.csv", views.testbench_csv, name="testbench_csv"),
    path("live-test/<uuid:public_id>.json", views.testbench_json, name="testbench_json"),
]
