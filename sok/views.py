"""The search page: /sok/?q=…"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from sok.forms import SearchForm
from sok.search import search


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    q = ""
    groups = []
    if form.is_bound and form.is_valid():
        q = form.cleaned_data["q"]
        groups = search(q)
    # What the box shows: the cleaned query, or what was typed when it was refused.
    typed = q if form.is_bound and not form.errors else form["q"].value() or ""
    found = [group for group in groups if group.count]
    return render(
        request,
        "sok/search.html",
        {
            "form": form,
            "q": q,
            "typed": typed,
            "groups": found,
            "searched": bool(groups),
            "total": sum(g.count for g in found),
            # Some group has more hits than it counted (sok.search.COUNT_LIMIT).
            "more": any(g.more for g in found),
        },
    )
