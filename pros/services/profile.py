"""What a pro offers and where: bio and photo, services, zone (base point, radius, h3 cells)."""

import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Service
from core.audit import audit
from core.errors import InvalidInput

from ..models import Pro, ZoneCell
from ..rules import check_photo, clean_bio, reencode_photo
from ..zones import zone_cells
from .status import lock_pro, pro_refresh_status


@transaction.atomic
def pro_update_profile(
    *, pro: Pro, bio: str, photo=None, remove_photo: bool = False, actor=None
) -> Pro:
    """Short bio and, optionally, a new photo (JPEG or PNG, at most 5 MB, a real image of sane
    size, no markup inside; stored re-encoded: bounded, JPEG, no metadata), or `remove_photo`
    to drop the current one (support's admin form can clear it)."""
    bio = clean_bio(bio)
    if photo is not None:
        extension = check_photo(photo)
        photo = ContentFile(reencode_photo(photo))
    pro = lock_pro(pro)
    pro.bio = bio
    fields = ["bio"]
    old = pro.photo.name if pro.photo else ""
    if photo is not None:
        pro.photo.save(f"pro-{pro.pk}-{secrets.token_hex(6)}.{extension}", photo, save=False)
        fields.append("photo")
    elif remove_photo and old:
        pro.photo = ""
        fields.append("photo")
    if "photo" in fields and old:
        storage = pro.photo.storage
        transaction.on_commit(lambda: storage.delete(old))
    pro.save(update_fields=fields)
    audit(
        action="pro.profile_updated",
        subject=pro,
        actor=actor,
        data={"photo": photo is not None, **({"photo_removed": True} if remove_photo else {})},
    )
    return pro


@transaction.atomic
def pro_set_services(*, pro: Pro, services, actor=None) -> Pro:
    ids = sorted({service.pk if hasattr(service, "pk") else int(service) for service in services})
    found = list(Service.objects.active().filter(pk__in=ids).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise InvalidInput(_("Unknown service."), fields={"services": [_("Unknown service.")]})
    pro = lock_pro(pro)
    pro.services.set(found)
    audit(action="pro.services_set", subject=pro, actor=actor, data={"services": found})
    return pro_refresh_status(pro=pro, actor=actor)


@transaction.atomic
def pro_set_zone(*, pro: Pro, base_address: str, lat, lng, radius_km: int, actor=None) -> int:
    """Set the pro's base point and radius and rebuild their zone cells. Returns the cell count."""
    pro = lock_pro(pro)
    pro.base_address = base_address
    pro.base_lat = lat
    pro.base_lng = lng
    pro.radius_km = radius_km
    pro.save(update_fields=["base_address", "base_lat", "base_lng", "radius_km"])
    cells = zone_cells(lat, lng, radius_km)
    ZoneCell.objects.filter(pro=pro).delete()
    ZoneCell.objects.bulk_create(
        ZoneCell(
            pro=pro, cell=cell, distance_m=metres, score=pro.score, dispatchable=pro.is_dispatchable
        )
        for cell, metres in cells
    )
    audit(
        action="pro.zone_set",
        subject=pro,
        actor=actor,
        data={"lat": str(lat), "lng": str(lng), "radius_km": radius_km, "cells": len(cells)},
    )
    pro_refresh_status(pro=pro, actor=actor)
    return len(cells)
