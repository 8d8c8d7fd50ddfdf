"""The public page a pro's personal link opens (no login)."""

from django.http import Http404
from django.shortcuts import render

from .. import selectors


def public_profile(request, slug):
    """The pro's public profile and how to book them, while the link is live."""
    pro = selectors.pro_by_personal_link(slug)
    if pro is None:
        raise Http404
    return render(request, "pros/public_profile.html", {"pro": pro, "services": pro.services.all()})
