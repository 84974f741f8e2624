"""Site search over what a visitor may see: networks, news, meetings, actors, börs posts and
questions from residents.

The stored index (sok.Entry, kept current by sok/index.py) finds and ranks the candidates;
what may be shown is decided by the queryset the public pages show
(`Post.objects.published()`, `Actor.objects.public()`, `Listing.objects.public()`, ...):
every query keeps only the entries whose row is in it (`object_id IN (...)`), so a draft,
a hidden post, a non-public actor or a stale entry can never be found. An actor's contact
address is in its entry only while the actor consents to show it, and the snippet shows
it on the same condition. Grant applications are not indexed at all.

Queries: one for every group's number of hits (each counted up to COUNT_LIMIT, then "more
than"), then per group with hits one for its best entries with their rows. The entries
that hold the words in the title come first and are ranked on their own; only when fewer
than HITS_PER_GROUP titles hold them is a further query made for the rest (the near
misses, then the texts). So a word that is in nearly every text is ranked among the
titles that hold it, not among all the texts.

PostgreSQL: full-text search on the stored tsvectors (configuration `natverk_sv`, Swedish
stemming after unaccent; GIN indexes together with the source). Each word is a prefix
("kaf" finds "Kafé"); all words must be found. The vector weighs the title A and the
other texts B or C, ranked with ts_rank. A one-word query also finds near misses in the
folded title by trigram word similarity ("laxhjelp" finds "Läxhjälp"), through the
trigram index (`%>` with the threshold set for the search's transaction), ranked by
their similarity, after the titles that hold the word.

SQLite (development and tests): each folded word (members.search.fold) must be a
substring of the entry's folded texts (of its folded title for the title hits).

Both: a title that holds the words comes before a hit in the text only; then the rank
(PostgreSQL), then the group's own order (newest or nearest first, or by name). The
snippets are built in Python by sok.highlight on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Expression, F, FloatField, Q, QuerySet, Value
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borsen.models import Listing
from core.markdown import markdown_text
from dialog.models import Question
from meetings.models import Meeting
from members.models import Actor
from members.search import folded_match, query_words
from networks.models import Network, Post
from sok.highlight import has_hit, highlight, snippet
from sok.index import CONFIG
from sok.models import Entry

MAX_QUERY_LENGTH = 100
HITS_PER_GROUP = 10
# A group's hits are counted up to this many; beyond it the page says "more than".
COUNT_LIMIT = 100
# word_similarity of a one-word query and the folded title at which a title counts as
# found: "laxhjelp" finds "Läxhjälp" (0.56). A query of several words uses full-text only.
TRIGRAM_THRESHOLD = 0.5
TRIGRAM_MIN_LENGTH = 4


@dataclass(frozen=True)
class Source:
    """One group of results: which rows may be found and how a hit is shown."""

    key: str
    label: str
    # The index's source label (sok.index.INDEXED) and the Entry join to the row.
    source: str
    relation: str
    queryset: Callable[[], QuerySet]
    title: str
    # The texts the snippet is taken from, in order (a function for a text that costs to make).
    snippet_texts: Callable[[object], list[str | Callable[[], str]]]
    meta: Callable[[object], list[str]]
    url: Callable[[object], str | None] = lambda obj: obj.get_absolute_url()
    # Tie-break after the rank, on the row: newest or nearest first.
    order: tuple[str, ...] = ("pk",)
    # What the meta needs, joined to the row (select_related).
    related: tuple[str, ...] = ()


@dataclass
class Hit:
    title: SafeString
    url: str | None
    meta: list[str]
    snippet: SafeString
    badges: list[str] = field(default_factory=list)


@dataclass
class Group:
    key: str
    label: str
    count: int
    hits: list[Hit]
    # More than `count` (COUNT_LIMIT) hits.
    more: bool = False


# ---- what each group shows beside the title ----


def _network_meta(network: Network) -> list[str]:
    return [network.name] if network.network_name and network.network_name != network.name else []


def _post_meta(post: Post) -> list[str]:
    where = post.network.name if post.network_id else _("Alla nätverk")
    return [date_format(timezone.localtime(post.published_at), "DATE_FORMAT"), where]


def _meeting_meta(meeting: Meeting) -> list[str]:
    meta = [date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT"), meeting.network.name, meeting.place]
    if meeting.is_cancelled:
        meta.insert(0, _("Inställt"))
    return meta


def _actor_meta(actor: Actor) -> list[str]:
    return [actor.get_kind_display()]


def _actor_texts(actor: Actor) -> list[str]:
    # The address only as the actor's page shows it (with consent, once proven).
    return [actor.description, actor.public_contact_email]


def _listing_meta(listing: Listing) -> list[str]:
    meta = [listing.get_direction_display(), listing.get_kind_display(), listing.actor.name]
    if listing.is_solved:
        meta.insert(0, _("Löst"))
    return meta


def _listing_url(listing: Listing) -> str | None:
    # The listing pages come with the borsen app's views; until they are installed a hit
    # is shown without a link rather than failing the whole search.
    try:
        return listing.get_absolute_url()
    except NoReverseMatch:
        return None


def _question_meta(question: Question) -> list[str]:
    return [
        question.get_status_display(),
        question.network.name,
        date_format(timezone.localtime(question.created_at), "DATE_FORMAT"),
    ]


SOURCES = [
    Source(
        key="natverk",
        label=gettext_lazy("Nätverk"),
        source="networks.network",
        relation="network",
        queryset=lambda: Network.objects.all(),
        title="name",
        snippet_texts=lambda network: [network.summary, network.description, network.network_name],
        meta=_network_meta,
        order=("sort_order", "name"),
    ),
    Source(
        key="nyheter",
        label=gettext_lazy("Nyheter"),
        source="networks.post",
        relation="post",
        queryset=lambda: Post.objects.published(),
        title="title",
        # The body's words without its Markdown, made only when the summary has no hit: 0.8 ms
        # for a text of 200 words, 7 ms of a search with ten news hits (measured).
        snippet_texts=lambda post: [post.summary, lambda: markdown_text(post.body)],
        meta=_post_meta,
        order=("-published_at", "-pk"),
        related=("network",),
    ),
    Source(
        key="moten",
        label=gettext_lazy("Möten"),
        source="meetings.meeting",
        relation="meeting",
        # Every meeting has a public page, past and cancelled ones too (the archive).
        queryset=lambda: Meeting.objects.all(),
        title="title",
        snippet_texts=lambda meeting: [meeting.agenda, meeting.place, meeting.address],
        meta=_meeting_meta,
        order=("-starts_at", "-pk"),
        related=("network",),
    ),
    Source(
        key="aktorer",
        label=gettext_lazy("Aktörer"),
        source="members.actor",
        relation="actor",
        queryset=lambda: Actor.objects.public(),
        title="name",
        snippet_texts=_actor_texts,
        meta=_actor_meta,
        order=("name", "pk"),
    ),
    Source(
        key="borsen",
        label=gettext_lazy("Börsinlägg"),
        source="borsen.listing",
        relation="listing",
        queryset=lambda: Listing.objects.public(),
        title="title",
        snippet_texts=lambda listing: [listing.text],
        meta=_listing_meta,
        url=_listing_url,
        order=("-created_at", "-pk"),
        related=("actor",),
    ),
    Source(
        key="fragor",
        label=gettext_lazy("Frågor från boende"),
        source="dialog.question",
        relation="question",
        # Every question but the hidden ones (the list and a question's page show the same).
        queryset=lambda: Question.objects.visible(),
        title="title",
        snippet_texts=lambda question: [question.text, question.place],
        meta=_question_meta,
        order=("-created_at", "-pk"),
        related=("network",),
    ),
]


def _tsquery(words: list[str]) -> str:
    """Every word as a prefix, all required; quotes and backslashes escaped.

    A word is written ('kafe' | 'kafe':*), which finds what 'kafe':* finds: PostgreSQL
    estimates how many rows a prefix finds as a fixed small share, but a whole lexeme
    from the column's statistics, so a word that is in most texts gets the plan for many
    rows (not a seq scan that computes trigrams on every title).
    """
    quoted = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("'", "''")
        quoted.append(f"('{escaped}' | '{escaped}':*)")
    return " & ".join(quoted)


def _uses_trigrams(words: list[str]) -> bool:
    return connection.vendor == "postgresql" and len(words) == 1 and len(words[0]) >= TRIGRAM_MIN_LENGTH


@dataclass(frozen=True)
class Matcher:
    """How a query finds entries: `found`, all its matches (counted), and `phases`, the
    matches in the order they are shown, each (condition, rank) ranked on its own: the
    entries that hold the words in the title come first, so a phase after it is needed
    only when the ones before it hold fewer than HITS_PER_GROUP entries. A word that is
    in nearly every text is then ranked among the titles only."""

    found: Q
    phases: list[tuple[Q, Expression]]


def _matcher_postgresql(words: list[str]) -> Matcher:
    query = SearchQuery(_tsquery(words), search_type="raw", config=CONFIG)
    rank = SearchRank(F("vector"), query)
    in_title = (Q(title_vector=query), rank)
    in_text = (Q(vector=query), rank)
    if not _uses_trigrams(words):
        return Matcher(found=Q(vector=query), phases=[in_title, in_text])
    # A one-word query also finds a near miss in a title by its trigrams (`%>`, through
    # the trigram index; the threshold is set in search()), after the titles that hold
    # the word and before the texts, ranked by its similarity. (django.contrib.postgres
    # is not installed: the lookup is used as an expression.)
    near_miss = Q(TrigramWordSimilar(F("title_folded"), Value(words[0])))
    similarity = TrigramWordSimilarity(Value(words[0]), "title_folded")
    return Matcher(
        found=Q(vector=query) | near_miss,
        phases=[in_title, (near_miss & ~Q(title_vector=query), similarity), in_text],
    )


def _matcher_sqlite(words: list[str]) -> Matcher:
    query = " ".join(words)
    found = folded_match(query, "text_folded")
    in_title = folded_match(query, "title_folded")
    no_rank = Value(0.0, output_field=FloatField())
    return Matcher(found=found, phases=[(in_title, no_rank), (found, no_rank)])


def _best(source: Source, entries: QuerySet, rank: Expression, limit: int) -> list[Entry]:
    """The best `limit` entries, each with its row (`getattr(entry, source.relation)`)."""
    relation = source.relation
    tie_break = [f"-{relation}__{name[1:]}" if name.startswith("-") else f"{relation}__{name}" for name in source.order]
    related = [f"{relation}__{name}" for name in source.related] or [relation]
    return list(
        entries.annotate(search_rank=rank)
        .select_related(*related)
        # Of the entry only the id: its texts and vectors are searched, not shown.
        .only("object_id", relation)
        .order_by("-search_rank", *tie_break)[:limit]
    )


def _hit(source: Source, obj, words: list[str]) -> Hit:
    # The first text with a hit, else the first text at all; a text given as a function is
    # made only when the ones before it have no hit.
    shown = ""
    for text in source.snippet_texts(obj):
        text = (text() if callable(text) else text) or ""
        if has_hit(text, words):
            shown = text
            break
        shown = shown or text
    return Hit(
        title=highlight(getattr(obj, source.title), words),
        url=source.url(obj),
        meta=[item for item in source.meta(obj) if item],
        snippet=snippet(shown, words),
    )


def _visible_entries(source: Source) -> QuerySet:
    """The source's entries whose row the public queryset holds."""
    return Entry.objects.filter(source=source.source, object_id__in=source.queryset().values("pk"))


def _counts(matcher: Matcher) -> list[int]:
    """Every group's number of matches, in one query; each counted up to COUNT_LIMIT + 1.

    Counting stops there, so a word in nearly every text costs no more than that.
    """
    parts = []
    params: list = []
    for source in SOURCES:
        sql, part_params = (
            _visible_entries(source).filter(matcher.found).values("pk")[: COUNT_LIMIT + 1].query.sql_with_params()
        )
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608 (SQL compiled by Django)
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def _group(source: Source, words: list[str], matcher: Matcher, count: int) -> Group:
    best: list[Entry] = []
    for condition, rank in matcher.phases:
        if len(best) >= min(count, HITS_PER_GROUP):
            break
        # A phase is reached only when the ones before it gave all their entries.
        shown = [entry.object_id for entry in best]
        entries = _visible_entries(source).filter(condition).exclude(object_id__in=shown)
        best += _best(source, entries, rank, HITS_PER_GROUP - len(best))
    return Group(
        key=source.key,
        label=source.label,
        count=min(count, COUNT_LIMIT),
        more=count > COUNT_LIMIT,
        hits=[_hit(source, getattr(entry, source.relation), words) for entry in best],
    )


def _groups(words: list[str]) -> list[Group]:
    matcher = _matcher_postgresql(words) if connection.vendor == "postgresql" else _matcher_sqlite(words)
    counts = _counts(matcher)
    return [_group(source, words, matcher, count) for source, count in zip(SOURCES, counts, strict=True)]


def search(q: str) -> list[Group]:
    """Every group with its number of hits and its best HITS_PER_GROUP hits."""
    words = query_words(q)
    if not words:
        return []
    if not _uses_trigrams(words):
        return _groups(words)
    # The `%>` operator's threshold, for this transaction only.
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(TRIGRAM_THRESHOLD)])
        return _groups(words)
