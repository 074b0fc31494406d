from django.urls import path

from vadesk.portal import signin, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", signin.link_request, name="signin"),
    path("sign-in/<str:secret>/", signin.link_use, name="signin_link"),
    path("hours/", views.hours, name="hours"),
    path("hours/log.csv", views.hours_export, {"fmt": "csv"}, name="hours_csv"),
    path("hours/log.pdf", views.hours_export, {"fmt": "pdf"}, name="hours_pdf"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/rate/", views.task_rate, name="task_rate"),
    path("requests/", views.request_new, name="request"),
    path("consents/<int:pk>/", views.consent_answer_view, name="consent"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
    path("reports/<int:pk>/pdf", views.report_download, name="report_pdf"),
    path("reports/<int:pk>/rate/", views.report_rate, name="report_rate"),
]
