from django.urls import path

from . import views, views_calendar

app_name = "bookings"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("proposals", views.proposals_fragment, name="proposals"),
    path("proposals/<int:pk>/accept", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/refuse", views.proposal_refuse, name="proposal_refuse"),
    path("proposals/<int:pk>/counter", views.proposal_counter, name="proposal_counter"),
    path("next-sessions", views.next_sessions_fragment, name="next_sessions"),
    path("agenda", views.agenda, name="agenda"),
    path("bookings/<int:pk>", views.booking_detail, name="booking"),
    path("sessions/new", views.session_new, name="session_new"),
    path("settings/calendar", views_calendar.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views_calendar.calendar_feed, name="calendar_feed"),
]
