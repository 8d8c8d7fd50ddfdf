"""Pure geometry helpers (h3 cells, distances), shared by customers' addresses and pros' zones."""

import h3
from django.conf import settings


def cell_of(lat, lng, resolution: int | None = None) -> int:
    """The integer h3 cell containing (lat, lng) at the configured resolution."""
    resolution = resolution or settings.H3_RESOLUTION
    return h3.str_to_int(h3.latlng_to_cell(float(lat), float(lng), resolution))


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> int:
    """Great-circle distance in metres between two (lat, lng) points."""
    return round(h3.great_circle_distance(a, b, unit="m"))
