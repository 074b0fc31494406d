from django.urls import include, path

urlpatterns = [
    path("", include("vadesk.ops.urls")),  # /healthz, /readyz, /metrics
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("vadesk.api.urls")),
    path("", include("vadesk.invoicing.urls")),
    path("portal/", include("vadesk.portal.urls")),
    path("agenda/", include("vadesk.agenda.urls")),
    path("comms/", include("vadesk.comms.urls")),
    path("jobs/", include("vadesk.jobs.urls")),
    path("team/", include("vadesk.team.urls")),
    path("notifications/", include("vadesk.notifications.urls")),
    path("webhooks/", include("vadesk.webhooks.urls")),
    path("", include("vadesk.web.urls")),
]

# What a person sees when a request is refused, points at nothing or breaks (with debug off).
handler400 = "vadesk.web.views.errors.bad_request"
handler403 = "vadesk.web.views.errors.permission_denied"
handler404 = "vadesk.web.views.errors.page_not_found"
handler500 = "vadesk.web.views.errors.server_error"
