from django.urls import path

from vadesk.agenda import feed, views

urlpatterns = [
    path("", views.agenda_home, name="agenda_home"),
    path("clients/<int:pk>/", views.client_agenda, name="agenda_week"),
    path("clients/<int:pk>/calendars/", views.calendar_add, name="agenda_calendar_add"),
    path("clients/<int:pk>/find/", views.find_time, name="agenda_find"),
    path("clients/<int:pk>/book/", views.book, name="agenda_book"),
    path("clients/<int:pk>/parties/", views.party_add, name="agenda_party_add"),
    path("calendars/<int:calendar_pk>/<str:action>/", views.calendar_action, name="agenda_calendar_action"),
    path("parties/<int:party_pk>/", views.party_edit, name="agenda_party"),
    path("events/<int:event_pk>/move/", views.move, name="agenda_move"),
    path("events/<int:event_pk>/conflict/<str:choice>/", views.conflict_resolve, name="agenda_conflict"),
    path("events/<int:event_pk>/cancel/", views.cancel, name="agenda_cancel"),
    path("portal/", views.portal_week, name="agenda_portal"),
    path("feed/<str:token>.ics", feed.feed, name="agenda_feed"),
]
