from django.urls import path

from meetings import views

app_name = "meetings"

urlpatterns = [
    # /moten/
    path("moten/", views.meeting_list, name="list"),
    path("moten/arkiv/", views.meeting_archive, name="archive"),
    path("moten/kalender.ics", views.calendar_all, name="calendar"),
    path("moten/<int:pk>/", views.meeting_detail, name="detail"),
    path("moten/<int:pk>/anmalan/", views.meeting_register, name="register"),
    path("moten/<int:pk>/kalender.ics", views.calendar_meeting, name="meeting-calendar"),
    # /natverk/<slug>/
    path("natverk/<slug:slug>/moten/", views.network_meetings, name="network"),
    path("natverk/<slug:slug>/kalender.ics", views.calendar_network, name="network-calendar"),
    # /mina-sidor/
    path("mina-sidor/moten/", views.my_registrations, name="my-registrations"),
    path("mina-sidor/moten/<int:pk>/avboka/", views.registration_cancel_view, name="cancel-registration"),
]
