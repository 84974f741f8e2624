"""View decorators shared by the apps."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponse
from django.views.decorators.cache import cache_control

View = Callable[..., HttpResponse]


def private_no_store(view: View) -> View:
    """`Cache-Control: private, no-store` on every answer of `view`.

    For pages with what a shared computer's browser must not keep (bank details, a
    person's data export): no shared cache may store them (`private`) and the browser
    keeps no copy for its back button or history (`no-store`). The anonymous page cache
    never stores such an answer (core.cache).
    """
    return cache_control(private=True, no_store=True)(view)
