from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "feedback"
    verbose_name = _("Messages, avis et signalements")

    # What support needs here (collected into the Support role by wecasa.roles): read the
    # conversations and flagged messages, answer and close support conversations, hide reviews
    # and handle reports (actions need "change").
    support_permissions = [
        "feedback.view_message",
        "feedback.view_supportconversation",
        "feedback.change_supportconversation",
        "feedback.view_supportmessage",
        "feedback.view_review",
        "feedback.change_review",
        "feedback.view_report",
        "feedback.change_report",
    ]

    def ready(self):
        from customers.signals import customer_blacklisted

        from .receivers import cancel_on_blacklist

        customer_blacklisted.connect(
            cancel_on_blacklist, dispatch_uid="feedback_cancel_on_blacklist"
        )
