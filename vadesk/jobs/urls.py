from django.urls import path

from vadesk.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.failed_list, name="failed"),
    path("<uuid:pk>/retry/", views.retry, name="retry"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/download/", views.run_download, name="run_download"),
]
