from django.urls import path

from vadesk.comms import views

app_name = "comms"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("calls/new/", views.call_new, name="call_new"),
    path("calls/<int:pk>/called-back/", views.call_done, name="call_done"),
    path("clients/<int:pk>/", views.client_comms, name="people"),
    path("clients/<int:pk>/calls/", views.call_log, name="call_log"),
    path("contacts/<int:pk>/preferences/", views.preference_edit, name="preference"),
    path("follow-ups/new/", views.follow_up_new, name="follow_up_new"),
    path("follow-ups/<int:pk>/done/", views.follow_up_done, name="follow_up_done"),
    path("tasks/<int:pk>/ask/", views.task_ask, name="ask"),
    path("tasks/<int:pk>/confirm/", views.task_confirm, name="confirm"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:kind>/<str:language>/", views.template_edit, name="template_edit"),
    path("outbox/", views.outbox, name="outbox"),
    path("outbox/<int:pk>/settle/", views.outbox_settle, name="outbox_settle"),
    path("digest-items/<int:pk>/", views.digest_item, name="digest_item"),
    path("triage/", views.triage, name="triage"),
    path("triage/<int:pk>/settle/", views.triage_settle, name="triage_settle"),
]
