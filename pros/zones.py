"""h3 geometry for pros' zones: which cells a base point and a radius cover."""

import math

import h3
from django.conf import settings

from core.geo import cell_of, distance_m

__all__ = ["cell_of", "distance_m", "zone_cells"]


def zone_cells(lat, lng, radius_km: float, resolution: int | None = None) -> list[tuple[int, int]]:
    """(cell, distance in metres from the base to the cell centre) for every cell whose centre
    lies within the radius, plus the base cell itself (distance measured from the base)."""
    resolution = resolution or settings.H3_RESOLUTION
    base = (float(lat), float(lng))
    origin = h3.latlng_to_cell(base[0], base[1], resolution)
    # Distance between neighbouring cell centres is about sqrt(3) * edge length.
    step_km = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
    rings = math.ceil(radius_km / step_km) + 1
    limit_m = radius_km * 1000
    cells = []
    for cell in h3.grid_disk(origin, rings):
        metres = distance_m(base, h3.cell_to_latlng(cell))
        if cell == origin or metres <= limit_m:
            cells.append((h3.str_to_int(cell), metres))
    return cells
