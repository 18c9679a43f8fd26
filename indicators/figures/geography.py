"""Rwanda's 30 districts as the app's own copy of their boundaries holds them (``indicators/figures/geo``, © WASAC Ltd.,
CC BY 4.0): each district's outer rings for the maps, and its administrative code (the boundaries' ``id``,
Rwanda's district code: 11 Nyarugenge … 57 Rusizi) with the centre of its largest ring for the IATI file's
locations. Read once per process; nothing is fetched from anywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GEOJSON = Path(__file__).resolve().parent / "geo" / "rwanda-districts.geojson"
ATTRIBUTION = "District boundaries © WASAC Ltd., CC BY 4.0"


@dataclass(frozen=True)
class District:
    name: str
    code: str  # "11": the boundaries' administrative code
    latitude: float  # the centre of its largest ring, rounded to 4 decimals (about 10 m)
    longitude: float


@lru_cache(maxsize=1)
def boundaries() -> dict[str, list[list[tuple[float, float]]]]:
    """District name -> its outer rings as (longitude, latitude) points."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out: dict[str, list] = {}
    for feature in data["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        out[feature["properties"]["name"]] = [[tuple(p) for p in polygon[0]] for polygon in polygons]
    return out


@lru_cache(maxsize=1)
def districts() -> dict[str, District]:
    """District name -> its code and centre."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out = {}
    for feature in data["features"]:
        name = feature["properties"]["name"]
        ring = max(boundaries()[name], key=_area)
        longitude, latitude = _centroid(ring)
        out[name] = District(name, str(feature["properties"]["id"]), round(latitude, 4), round(longitude, 4))
    return out


def _area(ring) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]))) / 2


def _centroid(ring) -> tuple[float, float]:
    """The centre of mass of a polygon's ring (the shoelace formula)."""
    cross = [(x0 * y1 - x1 * y0, x0, y0, x1, y1) for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])]
    area = sum(c for c, *_ in cross) / 2
    x = sum((x0 + x1) * c for c, x0, _y0, x1, _y1 in cross) / (6 * area)
    y = sum((y0 + y1) * c for c, _x0, y0, _x1, y1 in cross) / (6 * area)
    return x, y
