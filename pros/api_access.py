"""Which pro is signed in, for API views: the `IsPro` permission (sets request.pro).

Anonymous callers get 401 (DRF's authentication answer); a signed-in account without a pro
profile gets 403 `not_a_pro`. The lookup is pros.selectors.pro_for, as for web views.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.errors import NotAllowed

from .selectors import pro_for


class NotAPro(NotAllowed):
    code = "not_a_pro"
    default_message = _("Only pros can do this.")


class IsPro(BasePermission):
    """permission_classes = [IsPro]: the view then reads `request.pro`."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False  # DRF answers 401 not_authenticated
        pro = pro_for(request.user)
        if pro is None:
            raise NotAPro()
        request.pro = pro
        return True
