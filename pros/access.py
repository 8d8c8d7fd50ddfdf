"""Which pro is signed in, for web views: the `pro_required` decorator (sets request.pro).

The lookup itself is pros.selectors.pro_for; the API's equivalent is pros.api_access.IsPro.
"""

from functools import wraps

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .selectors import pro_for

# htmx's "stop polling" status: the fragment stops asking, and HX-Redirect loads a full page.
HTMX_STOP_POLLING = 286


def pro_required(view=None, *, polled: bool = False):
    """Logged in and a pro, else: anonymous -> the login page (back here after), a user
    without a pro profile -> sign-up. Sets `request.pro`.

    `@pro_required(polled=True)` is for fragments htmx polls: an expired session or a non-pro
    then stops the polling and loads the login page as a full page (never inside the fragment).
    """
    if view is None:
        return lambda actual: pro_required(actual, polled=polled)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        pro = pro_for(request.user)
        if pro is None:
            if polled and getattr(request, "htmx", False):
                return HttpResponse(
                    status=HTMX_STOP_POLLING, headers={"HX-Redirect": reverse("pros:login")}
                )
            if not request.user.is_authenticated:
                return redirect(f"{reverse('pros:login')}?next={request.get_full_path()}")
            messages.info(request, _("Create your pro profile to continue."))
            return redirect("pros:signup")
        request.pro = pro
        return view(request, *args, **kwargs)

    return wrapper
