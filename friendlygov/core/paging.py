"""One way to page a list on a page: ~50 rows, counted by the database, with every other query
parameter (filters, search) kept on the links to the other pages.

    page = page_of(request, queryset)          # Django's Page: page.object_list is one page's rows
    {% include "core/partials/pager.html" %}   # "Rows 51–100 of 10,595" and the links

The count is one COUNT query; the rows are one LIMIT/OFFSET query. A list whose offsets can be deep
orders by an indexed key so the database does not sort the whole table for each page."""

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def page_of(request, rows, *, per_page: int = PAGE_SIZE, parameter: str = "page") -> Page:
    """The page of `rows` the request asks for (`?page=N`); a number out of range gives the last
    page and anything that is not a number the first, so a link never ends in an error page."""
    return Paginator(rows, per_page).get_page(request.GET.get(parameter))


class ByKey:
    """A queryset whose order reads joined tables (so no index serves it), read a page at a time
    without sorting its whole rows: the database sorts only the keys to find the page's (a narrow
    sort that stays in memory at any depth), then reads those rows alone, kept in that order.
    Pages like the queryset: `page_of(request, ByKey(rows))`, or the API's `Shown(ByKey(rows), …)`."""

    ordered = True  # the queryset's own order, which Paginator would otherwise ask about

    def __init__(self, rows, *, count: int | None = None):
        self.rows = rows
        self.known_count = count  # given when the caller counted the rows already

    def count(self) -> int:
        return self.rows.count() if self.known_count is None else self.known_count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = list(self.rows.values_list("pk", flat=True)[index])
        found = {row.pk: row for row in self.rows.order_by().filter(pk__in=keys)}
        return [found[key] for key in keys]
