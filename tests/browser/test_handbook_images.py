"""The staff handbook's pictures (docs/handbok/bilder/) are taken here, so that they show
the admin as it is: each picture is a page a coordinator or the steering group opens, on
the demo data, at 1024 × 640.

The test takes every picture the handbook shows and compares it with the one in the
repository: a page changed so much that more than a tenth of the picture differs fails,
with the command that takes the pictures anew (`make handbook-images`, which sets
HANDBOOK_IMAGES to docs/handbok/bilder). Dates and counts in the demo data change a few
pixels from day to day; a new column, a moved button or another layout changes many.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import call_command
from PIL import Image, ImageChops

from grants.models import Application
from meetings.models import Meeting
from members.demo import STEERING_EMAIL
from members.models import Membership, User
from networks.models import Network, Post
from website.handbook import IMAGES_DIR

SIZE = {"width": 1024, "height": 640}
MOST_CHANGED = 0.10
COORDINATOR = "samordnare.brynas@demo.example"


def _brynas() -> Network:
    return Network.objects.get(slug="brynas")


def _next_meeting() -> str:
    meeting = Meeting.objects.upcoming().filter(network=_brynas()).order_by("starts_at").first()
    return f"/admin/meetings/meeting/{meeting.pk}/stall-in/"


def _a_post() -> str:
    post = Post.objects.filter(network=_brynas()).order_by("-published_at").first()
    return f"/admin/networks/post/{post.pk}/forhandsgranska/"


def _a_membership_request() -> str:
    membership = Membership.objects.filter(network=_brynas(), status=Membership.Status.PENDING).first()
    return f"/admin/members/membership/{membership.pk}/change/"


def _a_submitted_application() -> str:
    application = Application.objects.filter(status=Application.Status.SUBMITTED).order_by("pk").first()
    return f"/admin/grants/application/{application.pk}/change/"


# name: (who, the page). Each name is a picture the handbook shows (tests/test_handbook.py
# checks that the handbook shows exactly these).
SHOTS: dict[str, tuple[str, Callable[[], str]]] = {
    "motena": (COORDINATOR, lambda: "/admin/meetings/meeting/"),
    "stall-in": (COORDINATOR, _next_meeting),
    "nyhet-forhandsgranskning": (COORDINATOR, _a_post),
    "medlemskap": (COORDINATOR, _a_membership_request),
    "ansokningar": (STEERING_EMAIL, lambda: "/admin/grants/application/"),
    "ansokan": (STEERING_EMAIL, _a_submitted_application),
    "borsen": (COORDINATOR, lambda: "/admin/borsen/listing/"),
}


def changed_share(old: Path, new: Path) -> float:
    """The share of pixels that differ clearly between two pictures (1.0 when the sizes differ)."""
    with Image.open(old) as a, Image.open(new) as b:
        if a.size != b.size:
            return 1.0
        difference = ImageChops.difference(a.convert("L"), b.convert("L")).point(lambda value: 255 if value > 40 else 0)
        return sum(difference.histogram()[255:]) / (a.size[0] * a.size[1])


@pytest.mark.django_db(transaction=True)
def test_the_handbooks_pictures_show_the_admin_as_it_is(page, settings, tmp_path, networks) -> None:
    settings.REQUIRE_STAFF_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEBUG = True  # seed_demo runs only with DEBUG on.
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115 (closed with the process)
    settings.DEBUG = False
    out = Path(os.environ.get("HANDBOOK_IMAGES") or tmp_path)
    out.mkdir(parents=True, exist_ok=True)
    raw = page.page
    raw.set_viewport_size(SIZE)
    stale = []
    for who in sorted({who for who, _path in SHOTS.values()}):
        raw.context.clear_cookies()
        page.login(User.objects.get(email=who))
        for name, (shot_by, path) in SHOTS.items():
            if shot_by != who:
                continue
            page.goto(path())
            raw.screenshot(path=str(out / f"{name}.png"))
            kept = IMAGES_DIR / f"{name}.png"
            if out.resolve() != IMAGES_DIR.resolve():
                share = changed_share(kept, out / f"{name}.png") if kept.exists() else 1.0
                if share > MOST_CHANGED:
                    stale.append(f"{name}.png ({share:.0%} changed)")
    assert not stale, (
        f"The handbook's pictures no longer show these pages: {', '.join(stale)}. "
        "Take them anew with `make handbook-images` and look at them before you commit."
    )
