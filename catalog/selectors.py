from .models import Service


def service_list_public():
    """Active services in catalogue order, with their category loaded (prices need its rates)."""
    return (
        Service.objects.active()
        .select_related("category")
        .order_by("category__position", "position", "id")
    )
