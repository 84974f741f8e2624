"""Publishing news: only as its preview showed it, at the time the coordinator chose.

A post is saved in the admin as a draft. Its preview (the admin's "Förhandsgranska",
networks/admin.py) shows it as the site will and carries the fingerprint of what it
showed (`Post.preview_fingerprint`); `publish` refuses a post whose texts or image have
changed since, so that nothing reaches the site that nobody has seen. A change to a
published post's texts in the admin takes it back to a draft (PostAdmin.save_model).

The post is public from its publication time (`published_at`): chosen in the form, or the
moment of publishing when left empty. `Post.objects.published()` decides what is shown.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from networks.models import Post


@transaction.atomic
def publish(post: Post, *, seen: str, now: datetime | None = None) -> Post:
    """Publish `post` if it is still what the preview with the fingerprint `seen` showed."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    if post.preview_fingerprint() != seen:
        raise ValidationError(
            _("Nyheten har ändrats sedan du förhandsgranskade den. Titta på den igen innan du publicerar den."),
            code="changed_since_preview",
        )
    post.is_published = True
    if post.published_at is None:
        # Whole seconds, as the admin's time field shows it: saving the form again keeps it.
        post.published_at = (now or timezone.now()).replace(microsecond=0)
    post.save(update_fields=["is_published", "published_at", "updated_at"])
    return post


@transaction.atomic
def unpublish(post: Post) -> Post:
    """Take `post` off the site; it keeps its publication time for when it is published again."""
    post = Post.objects.select_for_update().get(pk=post.pk)
    post.is_published = False
    post.save(update_fields=["is_published", "updated_at"])
    return post
