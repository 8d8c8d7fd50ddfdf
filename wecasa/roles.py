"""Staff roles, defined once. Each app declares what its part of a role needs on its AppConfig:

    class ProsConfig(AppConfig):
        support_permissions = ["pros.view_pro", "pros.change_pro", ...]

and the "Support" group gets the union, after every migrate (see wecasa.apps).
"""

from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SUPPORT_GROUP = "Support"


def support_permission_names() -> set[str]:
    """Every "app_label.codename" the apps declare for support."""
    names = set()
    for config in apps.get_app_configs():
        names.update(getattr(config, "support_permissions", ()))
    return names


def ensure_support_group(*, using: str = "default") -> Group:
    """Create or complete the "Support" group (idempotent: adds what is declared and exists)."""
    group, _created = Group.objects.using(using).get_or_create(name=SUPPORT_GROUP)
    by_app: dict[str, list[str]] = {}
    for name in sorted(support_permission_names()):
        app_label, codename = name.split(".", 1)
        by_app.setdefault(app_label, []).append(codename)
    query = Q(pk__in=[])
    for app_label, codenames in by_app.items():
        query |= Q(content_type__app_label=app_label, codename__in=codenames)
    group.permissions.add(*Permission.objects.using(using).filter(query))
    return group
