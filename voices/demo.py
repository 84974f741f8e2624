"""Demo voices for `make run`: invented people, marked "(demo)"; one with a captioned video.

The video (a 6-second title card, WebM/VP9) and its Swedish captions are committed under
voices/demo_media/; the photo is drawn here with Pillow. Nothing needs ffmpeg.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from members.models import Actor
from networks.models import Network
from voices.models import Voice

DEMO_MEDIA = Path(__file__).resolve().parent / "demo_media"
CONSENT_RECORDED = "Demo: påhittat samtycke till demodata, inget arkiv."

DEMO_TRANSCRIPT = (
    "[Demo] På träffarna lär vi känna grannar vi annars bara hade hälsat på. "
    "Och när föreningen behöver en lokal vet vi numera vem vi kan fråga."
)

# (network slug, name, role, actor name, days since consent, quote, media: "video", "photo" or "")
DEMO_VOICES: list[tuple[str, str, str, str, int, str, str]] = [
    (
        "brynas",
        "Amira Nilsson (demo)",
        "ägare",
        "Brynäs Kvarterskafé (demo)",
        20,
        "På nätverksträffarna har jag lärt känna grannar och föreningar som jag förut bara hälsade på. "
        "När vi behövde folk till den öppna scenen visste jag plötsligt vem jag kunde fråga.",
        "video",
    ),
    (
        "satra",
        "Jonas Berg (demo)",
        "ordförande",
        "Sätra Grannskapsförening (demo)",
        35,
        "Nätverket är ungt, men redan första träffen var rummet fullt. Man märker hur mycket "
        "föreningsliv det finns i Sätra när alla sitter vid samma bord.",
        "",
    ),
    (
        "andersberg",
        "Birgitta Lind (demo)",
        "sekreterare",
        "Andersbergs Boulesällskap (demo)",
        50,
        "Vi är en liten förening. Genom nätverket fick vi kontakt med både bostadsbolaget och "
        "fritidsgården, och nu spelar ungdomarna boule med oss på torsdagarna.",
        "photo",
    ),
]


def _demo_photo(initials: str) -> ContentFile:
    """A plain portrait placeholder: initials on a coloured circle, drawn with Pillow."""
    image = Image.new("RGB", (240, 240), "#e6f0f2")
    draw = ImageDraw.Draw(image)
    draw.ellipse((20, 20, 220, 220), fill="#005a70")
    draw.text((120, 120), initials, fill="#ffffff", anchor="mm", font_size=72)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return ContentFile(out.getvalue(), name="demo.jpg")


@transaction.atomic
def create_demo() -> None:
    """Adds the demo voices that are missing; safe to run again."""
    networks = {network.slug: network for network in Network.objects.all()}
    today = timezone.localdate()
    for slug, name, role, actor_name, days, quote, media in DEMO_VOICES:
        network = networks.get(slug)
        if network is None or Voice.objects.filter(network=network, person_name=name, is_demo=True).exists():
            continue
        actor = Actor.objects.filter(name=actor_name).first()
        voice = Voice(
            network=network,
            quote=quote,
            person_name=name,
            role=role,
            actor=actor,
            actor_name="" if actor else actor_name,
            consent_given_at=today - timedelta(days=days),
            consent_recorded=CONSENT_RECORDED,
            is_published=True,
            is_demo=True,
        )
        if media == "video":
            voice.video.save("demo-rost.webm", ContentFile((DEMO_MEDIA / "demo-rost.webm").read_bytes()), save=False)
            voice.captions.save("demo-rost.vtt", ContentFile((DEMO_MEDIA / "demo-rost.vtt").read_bytes()), save=False)
            voice.transcript = DEMO_TRANSCRIPT
        elif media == "photo":
            voice.photo.save("demo.jpg", _demo_photo("BL"), save=False)
            voice.photo_alt = "Demo: en färgad cirkel med initialerna BL i stället för ett foto."
        voice.full_clean()
        voice.save()
