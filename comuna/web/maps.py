"""A body's territory drawn from its GeoJSON boundary, as the outline of an inline SVG.

Longitude and latitude are projected equirectangularly (a degree of longitude shortened by
the cosine of the middle latitude, so a council's shape is not stretched), then scaled so the
larger side of the bounding box is ``SIZE`` units. Polygons and multipolygons are drawn with
their holes (the path is filled even-odd); points and lines are not territory and are left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

SIZE = 100  # the larger side of the drawing, in SVG units
MARGIN = 2  # room around it for the stroke

Ring = list[list[float]]


@dataclass(frozen=True)
class Outline:
    view_box: str
    path: str


def _polygons(geojson: dict) -> Iterator[list[Ring]]:
    kind = geojson.get("type")
    if kind == "Polygon":
        yield geojson["coordinates"]
    elif kind == "MultiPolygon":
        yield from geojson["coordinates"]
    elif kind == "Feature" and geojson.get("geometry"):
        yield from _polygons(geojson["geometry"])
    elif kind == "FeatureCollection":
        for feature in geojson["features"]:
            yield from _polygons(feature)
    elif kind == "GeometryCollection":
        for geometry in geojson["geometries"]:
            yield from _polygons(geometry)


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def outline(boundary: dict | None) -> Outline | None:
    """The SVG outline of ``boundary`` (validated when the body was saved); None without one."""
    rings = [ring for polygon in _polygons(boundary or {}) for ring in polygon]
    if not rings:
        return None
    lons = [p[0] for ring in rings for p in ring]
    lats = [p[1] for ring in rings for p in ring]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    shrink = math.cos(math.radians((south + north) / 2))
    width, height = (east - west) * shrink, north - south
    scale = SIZE / max(width, height) if max(width, height) > 0 else 1.0

    def point(p: list[float]) -> str:
        return f"{_number((p[0] - west) * shrink * scale)} {_number((north - p[1]) * scale)}"

    parts = []
    for ring in rings:
        points = ring[:-1] if ring[0] == ring[-1] else ring
        parts.append("M" + "L".join(point(p) for p in points) + "Z")
    view_box = " ".join(
        _number(v)
        for v in (-MARGIN, -MARGIN, width * scale + 2 * MARGIN, height * scale + 2 * MARGIN)
    )
    return Outline(view_box=view_box, path="".join(parts))
