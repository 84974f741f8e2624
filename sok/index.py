"""Keeps the search index (sok.Entry) current: one entry per network, news item, meeting,
actor, börs listing and question from a resident, whatever its visibility (the search filters that, see search.py).

- A save or delete of a row writes or deletes its entry in the same transaction
  (post_save/post_delete, connected in SokConfig.ready): one INSERT ... ON CONFLICT DO
  UPDATE, the vectors computed in the same statement on PostgreSQL.
- An actor's contact address is part of its entry only while the actor consents to show
  it; every save writes the entry anew, so a withdrawn consent removes it at once.
- Writes that send no signals (QuerySet.update(), COPY, bulk_create) leave an entry
  stale until the row's next save or `manage.py rebuild_search_index`. A stale entry can
  never show a row a visitor may not see (the public querysets decide that). The one
  such write to an indexed model in the site's code, members.services.user_delete, hides
  the actors nobody else represents and clears their contact details with update(), and
  then deletes the user's representations: each deleted representation writes its
  actor's entry anew, so the address is out of the index in the same transaction.
- `rebuild(apps)` writes every entry afresh; the rebuild command and migration 0004 use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import FieldDoesNotExist
from django.db import connection, transaction
from django.db.models import Expression, Model
from django.db.models.signals import post_delete, post_save

from core.markdown import markdown_text
from members.models import public_contact_email
from members.search import fold

CONFIG = "natverk_sv"
BATCH = 1000


def _network(network) -> tuple[str, str, str]:
    return network.name, _lines(network.network_name, network.summary), network.description


def _post(post) -> tuple[str, str, str]:
    # The body is Markdown: its words are indexed, not its asterisks and link addresses.
    return post.title, post.summary, markdown_text(post.body)


def _meeting(meeting) -> tuple[str, str, str]:
    return meeting.title, meeting.place, _lines(meeting.address, meeting.agenda)


def _actor(actor) -> tuple[str, str, str]:
    # The address only as the actor's page shows it (with consent, once proven); the function,
    # not the property, as a migration passes a historical Actor.
    return actor.name, public_contact_email(actor), actor.description


def _listing(listing) -> tuple[str, str, str]:
    return listing.title, "", listing.text


def _question(question) -> tuple[str, str, str]:
    return question.title, question.place, question.text


def _lines(*texts: str) -> str:
    return "\n".join(text for text in texts if text)


@dataclass(frozen=True)
class Indexed:
    """A model whose rows are searched. `document`: (title, texts of weight B, of weight C)."""

    label: str
    document: Callable[[Model], tuple[str, str, str]]
    fields: tuple[str, ...]


INDEXED = (
    Indexed("networks.network", _network, ("name", "network_name", "summary", "description")),
    Indexed("networks.post", _post, ("title", "summary", "body")),
    Indexed("meetings.meeting", _meeting, ("title", "place", "address", "agenda")),
    Indexed(
        "members.actor",
        _actor,
        (
            "name",
            "description",
            "contact_email",
            "contact_consent_at",
            "contact_email_verified_at",
            "contact_email_verified_address",
        ),
    ),
    Indexed("borsen.listing", _listing, ("title", "text")),
    Indexed("dialog.question", _question, ("title", "place", "text")),
)
BY_LABEL = {indexed.label: indexed for indexed in INDEXED}


class Vector(Expression):
    """The tsvector of texts given as values, in natverk_sv, each with its weight.

    Plain parameters rather than SearchVector(Value(...)) for each text: a rebuild writes
    every row with its vectors in one INSERT, and this compiles in a fraction of the time.
    """

    output_field = SearchVectorField()

    def __init__(self, *weighted: tuple[str, str]) -> None:
        super().__init__()
        self.weighted = weighted

    def as_sql(self, compiler, connection):
        parts = []
        params = []
        for text, weight in self.weighted:
            if weight:
                parts.append("setweight(to_tsvector(%s::regconfig, %s), %s)")
                params += [CONFIG, text, weight]
            else:
                parts.append("to_tsvector(%s::regconfig, %s)")
                params += [CONFIG, text]
        return "(" + " || ".join(parts) + ")", params


def _entry(entry_model: type[Model], indexed: Indexed, obj: Model) -> Model:
    title, text_b, text_c = (text or "" for text in indexed.document(obj))
    entry = entry_model(
        source=indexed.label,
        object_id=obj.pk,
        title=title,
        text_b=text_b,
        text_c=text_c,
        title_folded=fold(title),
        text_folded=fold(_lines(title, text_b, text_c)),
    )
    if connection.vendor == "postgresql":
        entry.vector = Vector((title, "A"), (text_b, "B"), (text_c, "C"))
        entry.title_vector = Vector((title, ""))
    return entry


def index_object(obj: Model) -> None:
    """Write the row's entry (one statement)."""
    from sok.models import Entry

    indexed = BY_LABEL[obj._meta.label_lower]
    Entry.objects.bulk_create(
        [_entry(Entry, indexed, obj)],
        update_conflicts=True,
        unique_fields=["source", "object_id"],
        update_fields=["title", "text_b", "text_c", "title_folded", "text_folded", "vector", "title_vector"],
    )


def unindex_object(obj: Model) -> None:
    from sok.models import Entry

    Entry.objects.filter(source=obj._meta.label_lower, object_id=obj.pk).delete()


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def rebuild(apps=global_apps) -> int:
    """Every entry afresh, in one transaction; returns their number. `apps`: a migration's.

    The vectors are computed in the INSERT: no second write of every row.
    """
    entry_model = apps.get_model("sok", "Entry")
    total = 0
    with transaction.atomic():
        entry_model.objects.all().delete()
        for indexed in INDEXED:
            try:
                model = apps.get_model(indexed.label)
            except LookupError:  # A migration's apps before the model's app existed (dialog).
                continue
            # A migration's historical model may predate some of the fields.
            fields = [name for name in indexed.fields if _has_field(model, name)]
            rows = model._default_manager.only("pk", *fields).order_by("pk")
            batch = []
            for obj in rows.iterator(chunk_size=BATCH):
                batch.append(_entry(entry_model, indexed, obj))
                if len(batch) == BATCH:
                    entry_model.objects.bulk_create(batch)
                    total += len(batch)
                    batch = []
            entry_model.objects.bulk_create(batch)
            total += len(batch)
    return total


def _saved(sender, instance, **kwargs) -> None:
    index_object(instance)


def _deleted(sender, instance, **kwargs) -> None:
    unindex_object(instance)


def _representation_deleted(sender, instance, **kwargs) -> None:
    # The actor as the database now holds it (see the module docstring); gone when the
    # representation goes with its actor, whose own delete removes the entry.
    actor = global_apps.get_model("members.Actor").objects.filter(pk=instance.actor_id).first()
    if actor is not None:
        index_object(actor)


def connect_signals() -> None:
    post_delete.connect(
        _representation_deleted,
        sender=global_apps.get_model("members.Representation"),
        dispatch_uid="sok.index.representation.delete",
    )
    for indexed in INDEXED:
        model = global_apps.get_model(indexed.label)
        post_save.connect(_saved, sender=model, dispatch_uid=f"sok.index.{indexed.label}.save")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"sok.index.{indexed.label}.delete")
