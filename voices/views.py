"""The captions of a voice's video, from this site whatever the store of the video.

A <track> from another origin (an object store) would need CORS on the store and on the
video itself; from this site it needs nothing. Gone at once when the consent is withdrawn
or the voice unpublished.
"""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from voices.access import get_public_voice_with_captions


@require_GET
def captions(request: HttpRequest, pk: int) -> FileResponse:
    voice = get_public_voice_with_captions(pk)
    if voice is None:
        raise Http404
    try:
        handle = voice.captions.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="text/vtt; charset=utf-8")
    # Checked again on every use: a withdrawn consent must not linger in a cache.
    response["Cache-Control"] = "no-cache"
    return response
