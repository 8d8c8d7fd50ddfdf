"""The Support role: one group, defined in wecasa.roles from what each app declares."""

import pytest
from django.contrib.auth.models import Group
from django.core.management.sql import emit_post_migrate_signal

from wecasa.roles import SUPPORT_GROUP, ensure_support_group, support_permission_names

pytestmark = pytest.mark.django_db

# Pinned on purpose: a change to what support may see or do in these apps must be a deliberate
# edit here. Apps added later (checkin, payouts) declare and test their own part.
PINNED_APPS = {"core", "catalog", "customers", "notifications", "pros", "bookings"}
EXPECTED = {
    "core.view_user",
    "core.change_user",
    "core.view_auditevent",
    "catalog.view_category",
    "catalog.view_service",
    "customers.view_customer",
    "customers.change_customer",
    "customers.view_address",
    "customers.view_paymentmethod",
    "notifications.view_notification",
    "pros.view_pro",
    "pros.change_pro",
    "pros.view_document",
    "pros.change_document",
    "pros.view_workinghours",
    "pros.view_timeoff",
    "pros.view_zonecell",
    "pros.view_referralinvite",
    "bookings.view_bookingrequest",
    "bookings.change_bookingrequest",
    "bookings.view_proposal",
    "bookings.add_proposal",
    "bookings.view_counteroffer",
    "bookings.view_booking",
    "bookings.change_booking",
    "bookings.view_bookingevent",
    "bookings.view_favorite",
    "bookings.view_flaggedbookingrequest",
    "bookings.change_flaggedbookingrequest",
}


def _granted(group, apps=PINNED_APPS) -> set[str]:
    return {
        f"{app_label}.{codename}"
        for app_label, codename in group.permissions.values_list(
            "content_type__app_label", "codename"
        )
        if app_label in apps
    }


def test_the_support_group_exists_after_migrate_with_exactly_the_declared_permissions():
    assert _granted(Group.objects.get(name=SUPPORT_GROUP)) == EXPECTED


def test_migrate_rebuilds_the_group_idempotently_and_every_declared_name_exists():
    Group.objects.filter(name=SUPPORT_GROUP).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    group = Group.objects.get(name=SUPPORT_GROUP)
    assert _granted(group) == EXPECTED
    # A typo in an AppConfig would silently grant nothing: every declared name must exist.
    every_app = {name.split(".")[0] for name in support_permission_names()}
    assert support_permission_names() <= _granted(ensure_support_group(), apps=every_app)
