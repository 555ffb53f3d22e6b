"""The API's endpoints, one module per area. Each is thin: it fetches through the app's
permission (the same as the page's), calls the app's service, and returns a schema."""

from typing import Literal

from ninja import Path

from api.main import MAX_ID


def choice(values) -> type:
    """A Literal of the given values: the OpenAPI document lists them as an enum."""
    return Literal[tuple(values)]


def object_id(description: str = "The object's id."):
    return Path(..., ge=1, le=MAX_ID, description=description)
