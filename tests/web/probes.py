"""How the permission matrix requests a page (tests/web/test_permission_matrix.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Probe:
    """How to request a page: its URL arguments besides the slug, and its form, if any."""

    kwargs: Callable[[Any, Any], dict] = lambda cast, obj: {}
    get: bool = True
    post: Callable[[Any, Any], dict] | None = None
    # run for each persona before its request, in its savepoint: (cast, obj, persona), e.g. to
    # make the persona the owner of what a page lets only its owner change
    prepare: Callable[[Any, Any, str], None] | None = None
