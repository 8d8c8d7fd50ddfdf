"""Every write about pros. Views, API, admin actions and tasks call these functions."""

from django.db import transaction

from core.audit import audit

from .models import Pro, ZoneCell
from .zones import zone_cells


def pro_is_dispatchable(pro: Pro) -> bool:
    """Whether the pro may receive ordinary proposals now (settings-based matching aside)."""
    return pro.status == Pro.Status.ACTIVE and not pro.is_paused and pro.is_id_verified


def pro_refresh_dispatch_index(*, pro: Pro) -> None:
    """Copy what ranking needs (dispatchable, score) onto the pro's zone cells."""
    ZoneCell.objects.filter(pro=pro).update(dispatchable=pro_is_dispatchable(pro), score=pro.score)


@transaction.atomic
def pro_set_zone(*, pro: Pro, base_address: str, lat, lng, radius_km: int, actor=None) -> int:
    """Set the pro's base point and radius and rebuild their zone cells. Returns the cell count."""
    pro = Pro.objects.select_for_update().get(pk=pro.pk)
    pro.base_address = base_address
    pro.base_lat = lat
    pro.base_lng = lng
    pro.radius_km = radius_km
    pro.save(update_fields=["base_address", "base_lat", "base_lng", "radius_km"])
    cells = zone_cells(lat, lng, radius_km)
    ZoneCell.objects.filter(pro=pro).delete()
    dispatchable = pro_is_dispatchable(pro)
    ZoneCell.objects.bulk_create(
        ZoneCell(pro=pro, cell=cell, distance_m=metres, score=pro.score, dispatchable=dispatchable)
        for cell, metres in cells
    )
    audit(action="pro.zone_set", subject=pro, actor=actor,
          data={"lat": str(lat), "lng": str(lng), "radius_km": radius_km, "cells": len(cells)})
    return len(cells)


def pro_record_completed_session(*, pro: Pro) -> None:
    """Count one completed session (bookings calls this); the first one unlocks the personal link."""
    from django.db.models import F

    Pro.objects.filter(pk=pro.pk).update(completed_sessions_count=F("completed_sessions_count") + 1)
    audit(action="pro.session_completed", subject=pro)
