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
