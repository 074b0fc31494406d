from django.urls import path

from vadesk.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("hours/", views.hours, name="hours"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("requests/", views.request_new, name="request"),
]
