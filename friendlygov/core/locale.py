from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import trans_real

API_PREFIX = "/api/"


def api_language(request) -> str:
    """The language of an API answer: the first of Accept-Language the site speaks (vi, en), else
    Vietnamese. A program says what it wants in every request; it has no language switch."""
    supported = dict(settings.LANGUAGES)
    for accepted, _quality in trans_real.parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if accepted == "*":
            break
        base = accepted.split("-")[0].lower()
        if base in supported:
            return base
    return settings.LANGUAGE_CODE


class ChosenLanguageMiddleware(LocaleMiddleware):
    """Vietnamese unless the person chose another language with the switch (a cookie).

    Many officials' browsers are set to English; the browser's Accept-Language is ignored on the
    pages so that the default stays Vietnamese (docs/adr/0002). The API honours it (api_language).
    """

    def process_request(self, request):
        if request.path.startswith(API_PREFIX):
            translation.activate(api_language(request))
            request.LANGUAGE_CODE = translation.get_language()
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
