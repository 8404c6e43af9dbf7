"""`{% page_url number %}`: the current URL's query string with `page` set to `number`, so the
links of the pager keep the filters and the search the list was asked with."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_url(context, number: int, parameter: str = "page") -> str:
    query = context["request"].GET.copy()
    query[parameter] = number
    return "?" + query.urlencode()
