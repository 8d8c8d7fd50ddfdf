from django.urls import path
from django.views.generic import TemplateView

app_name = "bookings"
# Placeholder until the dashboard lands (issue 3); LOGIN_REDIRECT_URL points here.
urlpatterns = [path("", TemplateView.as_view(template_name="base.html"), name="dashboard")]
