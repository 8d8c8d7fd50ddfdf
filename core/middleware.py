"""Site-wide middleware: the language a user browses in, the API's body size limit."""

from django.conf import settings
from django.contrib.auth import get_user_model

from .api import api_body_too_large, json_payload_too_large


class ApiBodyLimitMiddleware:
    """413 `payload_too_large` (the JSON envelope) for an /api/ request whose announced body is
    over DATA_UPLOAD_MAX_MEMORY_SIZE, before anything reads it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if api_body_too_large(request):
            return json_payload_too_large()
        return self.get_response(request)


class RememberLanguageMiddleware:
    """Store the language a signed-in user browses the web UI in, so messages sent to them
    later (notifications, e-mails) use it. Writes only when it changes. API clients choose
    theirs explicitly (PATCH /api/v1/me), so /api/ requests are left alone."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        language = getattr(request, "LANGUAGE_CODE", "")
        if request.path.startswith("/api/"):
            return response
        if (
            user is not None
            and user.is_authenticated
            and language in self.known
            and user.language != language
        ):
            get_user_model().objects.filter(pk=user.pk).update(language=language)
            user.language = language
        return response
