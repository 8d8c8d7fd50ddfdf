"""What feedback hears from the apps below it (they never import feedback)."""

import logging

logger = logging.getLogger(__name__)


def cancel_on_blacklist(sender, customer, by=None, **kwargs):
    """customers sends `customer_blacklisted` on commit: cancel the customer's open requests
    and future bookings now. A failure here must not break the blacklisting that already
    committed: the sweep (every 5 minutes) cancels whatever is left."""
    from . import services  # an AppConfig imports this module before the models are ready

    try:
        services.customer_blacklisted_received(customer=customer, by=by)
    except Exception:
        logger.exception(
            "open work of blacklisted customer %s not cancelled (the sweep will)", customer.pk
        )
