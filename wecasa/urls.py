from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.views import healthz
from payouts.webhooks import stripe_webhook
from privacy.views_notice import privacy_notice
from pros import views as pros_views

api_v1 = [
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    # Split view: its init script is a separate request (the CSP refuses inline scripts).
    path("docs", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("", include("catalog.api_urls")),
    # Before customers: privacy's /me is customers' MeApi plus DELETE (closing the account).
    path("", include("privacy.api_urls")),
    path("", include("customers.api_urls")),
    path("", include("pros.api_urls")),
    # Before bookings: checkin extends `pro/bookings` (?to_declare=true) and adds below it.
    path("", include("checkin.api_urls")),
    path("", include("bookings.api_urls")),
    path("", include("feedback.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("payouts.api_urls")),
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # The privacy notice, public, for pros and customers (the customer app links to it).
    path("privacy", privacy_notice, name="privacy_notice"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include((api_v1, "api"))),
    path("pro/", include("pros.urls")),
    path("book/<slug:slug>", pros_views.public_profile, name="pro_public_profile"),
    path("pro/", include("bookings.urls")),
    path("pro/", include("checkin.urls")),
    path("pro/", include("feedback.urls")),
    path("pro/", include("notifications.urls")),
    path("pro/", include("payouts.urls")),
    path("pro/", include("privacy.urls")),
    path("", include("ops.urls")),
    path("webhooks/stripe", stripe_webhook, name="stripe_webhook"),
    path("", RedirectView.as_view(pattern_name="bookings:dashboard", permanent=False)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "core.views.bad_request"
handler404 = "core.views.not_found"
handler500 = "core.views.server_error"
