"""Pros inviting pros: an invitation row and an e-mail carrying the referral code."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.errors import Conflict, RuleRefused
from core.text import clean_text

from ..models import Pro, ReferralInvite
from ..selectors import referral_signup_url
from .status import lock_pro


@transaction.atomic
def referral_invite_create(*, pro: Pro, email: str, name: str = "", actor=None) -> ReferralInvite:
    """Record an invitation and e-mail the invitee (not a user) once committed."""
    email = clean_text(email, field="email").lower()
    name = clean_text(name, field="name")
    pro = lock_pro(pro)
    if ReferralInvite.objects.filter(pro=pro, email=email).exists():
        raise Conflict(_("You have already invited this person."), code="already_invited")
    if get_user_model().objects.filter(email__iexact=email, pro__isnull=False).exists():
        raise RuleRefused(_("This person is already a pro on the platform."), code="already_pro")
    invite = ReferralInvite.objects.create(pro=pro, email=email, name=name[:120])
    audit(action="referral.invited", subject=pro, actor=actor, data={"invite": invite.pk})
    inviter = pro.user.get_full_name()
    code = pro.referral_code
    signup_url = referral_signup_url(pro)

    def send():
        send_mail(
            subject=_("%(name)s invites you to work with Wecasa") % {"name": inviter},
            message=_(
                "Hello %(invitee)s,\n\n%(name)s works with Wecasa and thinks you would too.\n"
                "Sign-up is free, with no fixed costs and no exclusivity.\n\n"
                "Sign up here: %(url)s\nReferral code: %(code)s\n"
            )
            % {"invitee": invite.name or "", "name": inviter, "url": signup_url, "code": code},
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[email],
        )

    transaction.on_commit(send)
    return invite
