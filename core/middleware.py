"""Request clean-up that every view relies on."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

from core.text import CONTROL_CHARACTERS, strip_control_characters


class ControlCharacterMiddleware:
    """Drop NUL and other control characters from query-string keys and values.

    An address whose path holds one answers 404.

    Searches and filters (the actor directory, the admin's search box and list filters)
    then simply run without them: PostgreSQL would refuse a NUL with a server error.
    Form posts are not touched here; forms refuse such text with a message instead.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL_CHARACTERS.search(request.path_info):
            # No address of the site holds one; a view would pass it on to the database.
            raise Http404
        if _has_control_characters(request.GET):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(strip_control_characters(key), [strip_control_characters(v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
            # get_full_path() (the page cache key, the admin's links) reads the raw string.
            request.META["QUERY_STRING"] = cleaned.urlencode()
        return self.get_response(request)


def _has_control_characters(query: QueryDict) -> bool:
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(value) for value in values)
        for key, values in query.lists()
    )
