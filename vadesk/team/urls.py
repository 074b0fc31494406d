from django.urls import path

from vadesk.team import views

app_name = "team"

urlpatterns = [
    path("calendar/", views.team_calendar, name="calendar"),
    path("utilisation/", views.utilisation, name="utilisation"),
    path("utilisation.csv", views.utilisation_export, name="utilisation_csv"),
    path("absences/", views.absences, name="absences"),
    path("absences/<int:pk>/decide/", views.absence_decide, name="absence_decide"),
    path("absences/<int:pk>/cancel/", views.absence_cancel, name="absence_cancel"),
    path("handovers/<int:pk>/", views.handover_note, name="handover"),
    path("people/<int:person_pk>/", views.profile, name="profile"),
    path("clients/<int:client_pk>/candidates/", views.client_candidates, name="candidates"),
    path("clients/<int:client_pk>/interest/", views.interest, name="interest"),
    path("match/", views.batch_match, name="match"),
    path("match/assign/", views.batch_assign, name="match_assign"),
]
