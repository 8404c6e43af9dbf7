"""One page envelope for every list of the API: `{"count", "limit", "offset", "items"}`.

`count` is the number of items matching the filters, whatever the page; `limit` (1–500, default 50)
and `offset` (0 or more) choose the page. Ninja's `@paginate` adds both as query parameters and
writes the envelope into the OpenAPI document for each list."""

from collections.abc import Callable, Sequence
from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

MAX_LIMIT = 500


class Shown:
    """A queryset (or list) and how to present one of its items, so that only the page asked for
    is presented: the count comes from the database, not from presenting every row."""

    def __init__(self, items, present: Callable[[Any], Any] = lambda item: item):
        self.items, self.present = items, present

    def count(self) -> int:
        return len(self.items) if isinstance(self.items, Sequence) else self.items.count()

    def page(self, offset: int, limit: int) -> list:
        return [self.present(item) for item in self.items[offset : offset + limit]]


class Page(PaginationBase):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT, description="Items per page (1–500)")
        offset: int = Field(0, ge=0, le=10_000_000, description="Items to skip")

    class Output(Schema):
        count: int = Field(description="Items matching the filters, on every page")
        limit: int
        offset: int
        items: list[Any]

    def paginate_queryset(self, items, pagination: Input, **params) -> dict:
        shown = items if isinstance(items, Shown) else Shown(items)
        return {
            "count": shown.count(),
            "limit": pagination.limit,
            "offset": pagination.offset,
            "items": shown.page(pagination.offset, pagination.limit),
        }


paged = paginate(Page)
