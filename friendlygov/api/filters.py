"""The query filters the lists share, with one meaning everywhere (docs/api.md)."""

from typing import Annotated

from ninja import Query

Year = Annotated[int | None, Query(ge=1900, le=9999, description="The cycle's year")]
UnitCode = Annotated[
    str | None, Query(max_length=20, pattern=r"^[0-9A-Za-z]+$", description="Unit code (GSO), e.g. 10507")
]
Level = Annotated[
    int | None, Query(ge=0, le=4, description="Decided level: 1–4, or 0 for decided but not qualified")
]
Group = Annotated[
    str | None,
    Query(
        max_length=20,
        pattern=r"^[0-9A-Za-z]+$",
        description="The group of the dashboard and the list page: the unit code of the appraising body",
    ),
]
