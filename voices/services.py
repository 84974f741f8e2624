"""Business actions on voices, each in one transaction."""

from __future__ import annotations

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from voices.models import Voice

# What is emptied when a consent is withdrawn: everything about the person.
PERSONAL_TEXT_FIELDS = ("quote", "person_name", "role", "actor_name", "photo_alt", "transcript")


@transaction.atomic
def withdraw_consent(*, voice: Voice, by) -> Voice:
    """Record that the person withdrew their consent, and remove them from every page at once.

    The row stays as the record that a consent was given and withdrawn (network, the
    dates, how it was recorded, who registered the withdrawal); the story, the name, the
    role, the actor and the files are removed. The files are deleted from storage after
    the commit (Voice.save), and the save empties the page cache (ANON_CACHE_MODELS).
    """
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    if voice.is_withdrawn:
        raise ValidationError(_("Samtycket är redan återkallat."), code="already_withdrawn")
    for field in PERSONAL_TEXT_FIELDS:
        setattr(voice, field, "")
    voice.actor = None
    voice.photo = voice.video = voice.captions = ""
    voice.is_published = False
    voice.consent_withdrawn_at = timezone.now()
    voice.consent_withdrawn_by = by
    voice.save()
    # The admin's history named the person; it now names the withdrawn voice.
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Voice), object_id=str(voice.pk)).update(
        object_repr=str(voice)[:200]
    )
    return voice
