"""Password sign-in and the session's user, with the user's profiles loaded in the same query
(settings.AUTHENTICATION_BACKENDS).

Nearly every signed-in request reads the user's profile next (`request.user.pro` on every pro
page and dashboard poll: pros.selectors.pro_for): joining the one-to-one profiles named in
settings.AUTH_USER_PROFILES to the session's user saves one query per request. Everything else
is Django's ModelBackend (password check, `is_active`, permissions). The API's token
authentication joins the same profiles (core.api_input.TokenAuthentication)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# The path sessions record at sign-in (django.contrib.auth.login(..., backend=...)).
PASSWORD_BACKEND = "core.auth_backends.UserWithProfilesBackend"


class UserWithProfilesBackend(ModelBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related(*settings.AUTH_USER_PROFILES).get(
                pk=user_id
            )
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
