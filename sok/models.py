"""The stored search index: one Entry per searchable row (sok/index.py keeps it current).

An entry holds the row's texts as the search reads them: the title, the texts of
weight B and C, their folded forms (members.search.fold: no case, no accents) for
SQLite's substring search and PostgreSQL's trigram similarity, and on PostgreSQL the
tsvector of the three with weights A, B and C (configuration natverk_sv) and one of the
title alone (which entries hold the words in the title). Its GIN indexes (both vectors;
gin_trgm_ops on the folded title) are made by migration 0003 on PostgreSQL only.

The entry never decides what a visitor may see: the search joins it to the source's
public queryset (sok/search.py). `post`, `actor`, ... are joins without a column or a
constraint (ForeignObject on object_id), valid for the entries of that source only.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from borsen.models import Listing
from dialog.models import Question
from meetings.models import Meeting
from members.models import Actor
from networks.models import Network, Post


def _join(model: type[models.Model]) -> models.ForeignObject:
    return models.ForeignObject(
        model,
        on_delete=models.DO_NOTHING,
        from_fields=["object_id"],
        to_fields=["id"],
        related_name="+",
    )


class Entry(models.Model):
    source = models.CharField(_("källa"), max_length=40)
    object_id = models.BigIntegerField(_("id"))
    title = models.TextField(_("rubrik"))
    text_b = models.TextField(_("text med vikt B"), blank=True)
    text_c = models.TextField(_("text med vikt C"), blank=True)
    title_folded = models.TextField(_("rubrik, förenklad"), blank=True)
    # The folded title and texts, one per line.
    text_folded = models.TextField(_("all text, förenklad"), blank=True)
    # PostgreSQL only, empty on SQLite: title, texts B and C with their weights; the title alone.
    vector = SearchVectorField(null=True, blank=True)
    title_vector = SearchVectorField(null=True, blank=True)

    network = _join(Network)
    post = _join(Post)
    meeting = _join(Meeting)
    actor = _join(Actor)
    listing = _join(Listing)
    question = _join(Question)

    class Meta:
        verbose_name = _("sökpost")
        verbose_name_plural = _("sökposter")
        # object_id first: a search filters on the source and the vectors, not on this index.
        constraints = [models.UniqueConstraint(fields=["object_id", "source"], name="sok_entry_unique_object")]

    def __str__(self) -> str:
        return f"{self.source} {self.object_id}"
