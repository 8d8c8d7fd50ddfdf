from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "payouts"
    verbose_name = _("Paiements et virements")

    # What support needs on money (collected into the Support role by wecasa.roles): read
    # charges, payouts, the ledger, accounts and webhooks; retry charges and payouts, add
    # ledger adjustments, re-sync an account, process an event again (all through services).
    support_permissions = [
        "payouts.view_charge",
        "payouts.change_charge",
        "payouts.view_payout",
        "payouts.change_payout",
        "payouts.view_payoutitem",
        "payouts.view_ledgerentry",
        "payouts.add_ledgerentry",
        "payouts.view_payoutaccount",
        "payouts.change_payoutaccount",
        "payouts.view_webhookevent",
        "payouts.change_webhookevent",
    ]
