from django.urls import path

from . import views

app_name = "pros"
urlpatterns = [
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("password-reset", views.password_reset, name="password_reset"),
    path("password-reset/sent", views.password_reset_done, name="password_reset_done"),
    path("password-reset/done", views.password_reset_complete, name="password_reset_complete"),
    path(
        "password-reset/<uidb64>/<token>",
        views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("onboarding", views.onboarding, name="onboarding"),
    path("score", views.score, name="score"),
    path("settings", views.settings_index, name="settings"),
    path("settings/profile", views.settings_profile, name="settings_profile"),
    path("settings/services", views.settings_services, name="settings_services"),
    path("settings/zone", views.settings_zone, name="settings_zone"),
    path("settings/zone/suggest", views.settings_zone_suggest, name="settings_zone_suggest"),
    path("settings/hours", views.settings_hours, name="settings_hours"),
    path("settings/hours/row", views.settings_hours_row, name="settings_hours_row"),
    path("settings/availability", views.settings_availability, name="settings_availability"),
    path("settings/availability/pause", views.settings_pause, name="settings_pause"),
    path(
        "settings/availability/<int:pk>/delete",
        views.settings_time_off_delete,
        name="settings_time_off_delete",
    ),
    path("settings/documents", views.settings_documents, name="settings_documents"),
    path("documents/<int:pk>/file", views.document_file, name="document_file"),
    path("settings/bank", views.settings_bank, name="settings_bank"),
    path("settings/link", views.settings_link, name="settings_link"),
    path("settings/referral", views.settings_referral, name="settings_referral"),
]
