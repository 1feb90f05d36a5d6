"""A body's GeoJSON boundary drawn as an SVG outline on its page."""

import math

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comuna.territory.models import Body, validate_geojson
from comuna.web.maps import outline

SQUARE = [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]]
HOLE = [[-0.25, -0.25], [-0.25, 0.25], [0.25, 0.25], [0.25, -0.25], [-0.25, -0.25]]


def test_a_square_on_the_equator_fills_the_drawing():
    drawn = outline({"type": "Polygon", "coordinates": [SQUARE]})
    assert drawn.path == "M0 100L100 100L100 0L0 0Z"
    assert drawn.view_box == "-2 -2 104 104"


def test_a_hole_is_a_second_ring_of_the_same_path():
    drawn = outline({"type": "Polygon", "coordinates": [SQUARE, HOLE]})
    assert drawn.path == "M0 100L100 100L100 0L0 0ZM25 75L25 25L75 25L75 75Z"


def test_a_multipolygon_draws_each_part_in_one_bounding_box():
    left = [[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]
    right = [[[2, 0], [3, 0], [3, 1], [2, 1], [2, 0]]]
    drawn = outline({"type": "MultiPolygon", "coordinates": [[left], right]})
    k = 100 / (3 * math.cos(math.radians(0.5)))  # the width is the larger side
    assert drawn.path.count("M") == 2
    assert drawn.path.startswith(f"M0 {round(k, 2):g}L")
    assert drawn.view_box.split()[2] == "104"


def test_away_from_the_equator_longitude_is_shortened():
    ring = [[-69.33, 10], [-69.32, 10], [-69.32, 10.01], [-69.33, 10.01], [-69.33, 10]]
    drawn = outline({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}})
    width = float(drawn.view_box.split()[2]) - 4
    assert width == pytest.approx(100 * math.cos(math.radians(10.005)), abs=0.01)


def test_no_boundary_draws_nothing():
    assert outline(None) is None
    assert outline({"type": "Point", "coordinates": [0, 0]}) is None


def test_the_body_page_draws_the_boundary_and_nothing_without_one(cast, client):
    Body.objects.filter(pk=cast.council.pk).update(
        boundary={"type": "Polygon", "coordinates": [SQUARE]}
    )
    page = client.get(reverse("body", kwargs={"slug": cast.council.slug})).content.decode()
    assert '<path d="M0 100L100 100L100 0L0 0Z"' in page and 'viewBox="-2 -2 104 104"' in page
    other = client.get(reverse("body", kwargs={"slug": cast.other.slug})).content.decode()
    assert "<svg" not in other


@pytest.mark.parametrize(
    "bad",
    [
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 2]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, "x"], [1, 1], [0, 0]]]},
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [200, 0], [1, 1], [0, 0]]]]},
    ],
)
def test_a_boundary_that_cannot_be_drawn_is_refused_when_saved(bad):
    with pytest.raises(ValidationError):
        validate_geojson(bad)
