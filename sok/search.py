"""Site search over what a visitor may see: networks, news, meetings, actors and börs posts.

Every group starts from the queryset the public pages show (`Post.objects.published()`,
`Actor.objects.public()`, `Listing.objects.public()`, ...), so a draft, a hidden post
or a non-public actor can never be found. An actor's contact address is searched only
while the actor has consented to show it (the same Case expression feeds the snippet),
so a hidden address never matches and is never shown. Grant applications are not
searched at all.

PostgreSQL: full-text search with the configuration `natverk_sv` (Swedish stemming after
unaccent, created by sok's migration). Each word is a prefix ("kaf" finds "Kafé"); all
words must be found. The title has weight A, the other texts B or C, ranked with
SearchRank; a trigram word similarity on the unaccented, lower-case title also finds
near misses of a one-word query ("laxhjelp"). Nothing is stored: the vectors are
computed per query. That is too slow at the size of the benchmark's data set when the
page cache misses (1 to 4 s with 20,000 actors; see the README's Search section): a
stored, indexed vector is the next step.

SQLite (development and tests): the SQL function `natverk_fold` (registered on every
SQLite connection by sok.apps; members.search.fold in Python) folds case and accents,
and each folded word must be a substring of the folded texts. Correct, and fast enough
for a development database; production runs PostgreSQL.

Both: a title that holds the words comes before a hit in the text only; then the rank.
The snippets are built in Python by sok.highlight on both databases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector, TrigramWordSimilarity
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    Expression,
    F,
    FloatField,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Concat, Lower
from django.urls import NoReverseMatch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from borsen.models import Listing
from meetings.models import Meeting
from members.models import Actor
from members.search import fold
from networks.models import Network, Post
from sok.highlight import has_hit, highlight, snippet

MAX_QUERY_LENGTH = 100
MAX_WORDS = 8
HITS_PER_GROUP = 10
CONFIG = "natverk_sv"
# word_similarity of a one-word query and the folded title at which a title counts as
# found: "laxhjelp" finds "Läxhjälp" (0.56). A query of several words uses full-text only.
TRIGRAM_THRESHOLD = 0.5
TRIGRAM_MIN_LENGTH = 4


def sqlite_fold(value: str | None) -> str | None:
    return None if value is None else fold(value)


class Fold(Expression):
    """Lower case without accents, in SQL: natverk_fold(x) on SQLite, unaccent(lower(x)) on PostgreSQL."""

    output_field = CharField()

    def __init__(self, expression) -> None:
        super().__init__()
        self.expression = expression if hasattr(expression, "resolve_expression") else F(expression)

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, exprs) -> None:
        (self.expression,) = exprs

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return f"natverk_fold({sql})", params

    def as_postgresql(self, compiler, connection):
        sql, params = compiler.compile(Lower(self.expression))
        return f"unaccent({sql})", params


@dataclass(frozen=True)
class Source:
    """One group of results: what is searched and how a hit is shown."""

    key: str
    label: str
    queryset: Callable[[], QuerySet]
    title: str
    # (field or expression, weight B or C); the title has weight A.
    texts: tuple[tuple[str | Expression, str], ...]
    # Names of the values the snippet is taken from, in order (annotated for expressions).
    snippet_fields: tuple[str, ...]
    meta: Callable[[object], list[str]]
    url: Callable[[object], str | None] = lambda obj: obj.get_absolute_url()
    # Tie-break after the rank: newest or nearest first.
    order: tuple[str, ...] = ("pk",)


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


# ---- what each group shows beside the title ----


def _network_meta(network: Network) -> list[str]:
    return [network.name] if network.network_name and network.network_name != network.name else []


def _post_meta(post: Post) -> list[str]:
    where = post.network.name if post.network_id else _("Alla nätverk")
    return [date_format(timezone.localtime(post.published_at), "j F Y"), where]


def _meeting_meta(meeting: Meeting) -> list[str]:
    meta = [date_format(timezone.localtime(meeting.starts_at), "j F Y H:i"), meeting.network.name, meeting.place]
    if meeting.is_cancelled:
        meta.insert(0, _("Inställt"))
    return meta


def _actor_meta(actor: Actor) -> list[str]:
    return [actor.get_kind_display()]


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


# An actor's address is searched and shown only while the actor consents to show it.
CONSENTED_EMAIL = Case(
    When(contact_consent_at__isnull=False, then=F("contact_email")),
    default=Value(""),
    output_field=CharField(),
)

SOURCES = [
    Source(
        key="natverk",
        label=gettext_lazy("Nätverk"),
        queryset=lambda: Network.objects.all(),
        title="name",
        texts=(("network_name", "B"), ("summary", "B"), ("description", "C")),
        snippet_fields=("summary", "description", "network_name"),
        meta=_network_meta,
        order=("sort_order", "name"),
    ),
    Source(
        key="nyheter",
        label=gettext_lazy("Nyheter"),
        queryset=lambda: Post.objects.published().select_related("network"),
        title="title",
        texts=(("summary", "B"), ("body", "C")),
        snippet_fields=("summary", "body"),
        meta=_post_meta,
        order=("-published_at", "-pk"),
    ),
    Source(
        key="moten",
        label=gettext_lazy("Möten"),
        # Every meeting has a public page, past and cancelled ones too (the archive).
        queryset=lambda: Meeting.objects.select_related("network"),
        title="title",
        texts=(("place", "B"), ("address", "C"), ("agenda", "C")),
        snippet_fields=("agenda", "place", "address"),
        meta=_meeting_meta,
        order=("-starts_at", "-pk"),
    ),
    Source(
        key="aktorer",
        label=gettext_lazy("Aktörer"),
        queryset=lambda: Actor.objects.public().annotate(shown_email=CONSENTED_EMAIL),
        title="name",
        texts=(("description", "C"), (CONSENTED_EMAIL, "B")),
        snippet_fields=("description", "shown_email"),
        meta=_actor_meta,
        order=("name", "pk"),
    ),
    Source(
        key="borsen",
        label=gettext_lazy("Börsinlägg"),
        queryset=lambda: Listing.objects.public().select_related("actor"),
        title="title",
        texts=(("text", "C"),),
        snippet_fields=("text",),
        meta=_listing_meta,
        url=_listing_url,
        order=("-created_at", "-pk"),
    ),
]


def query_words(q: str) -> list[str]:
    """The folded words of a query, without repeats, at most MAX_WORDS."""
    words: list[str] = []
    for word in fold(q).split():
        if word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def _tsquery(words: list[str]) -> str:
    """Every word as a quoted prefix ('kafe':*), all required; quotes and backslashes escaped."""
    quoted = []
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("'", "''")
        quoted.append(f"'{escaped}':*")
    return " & ".join(quoted)


def _as_expression(text: str | Expression):
    return F(text) if isinstance(text, str) else text


def _matching_postgresql(source: Source, queryset: QuerySet, words: list[str]) -> QuerySet:
    query = SearchQuery(_tsquery(words), search_type="raw", config=CONFIG)
    vector = SearchVector(source.title, weight="A", config=CONFIG)
    for text, weight in source.texts:
        vector = vector + SearchVector(_as_expression(text), weight=weight, config=CONFIG)
    if len(words) == 1 and len(words[0]) >= TRIGRAM_MIN_LENGTH:
        similarity = TrigramWordSimilarity(Value(words[0]), Fold(source.title))
    else:
        similarity = Value(0.0, output_field=FloatField())
    queryset = queryset.annotate(
        search_document=vector,
        search_title=SearchVector(source.title, config=CONFIG),
        search_similarity=similarity,
    ).filter(Q(search_document=query) | Q(search_similarity__gte=TRIGRAM_THRESHOLD))
    return queryset.annotate(
        title_hit=Case(
            When(Q(search_title=query) | Q(search_similarity__gte=TRIGRAM_THRESHOLD), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        search_rank=SearchRank(vector, query) + F("search_similarity"),
    ).order_by("-title_hit", "-search_rank", *source.order)


def _matching_sqlite(source: Source, queryset: QuerySet, words: list[str]) -> QuerySet:
    parts = [F(source.title)]
    for text, _weight in source.texts:
        parts += [Value("\n"), _as_expression(text)]
    queryset = queryset.annotate(
        search_all=Fold(Concat(*parts, output_field=CharField())), search_title=Fold(source.title)
    )
    for word in words:
        queryset = queryset.filter(search_all__contains=word)
    title_hits = [
        Case(When(search_title__contains=word, then=Value(1)), default=Value(0), output_field=IntegerField())
        for word in words
    ]
    total = title_hits[0]
    for hit in title_hits[1:]:
        total = total + hit
    return queryset.annotate(title_hit=total).order_by("-title_hit", *source.order)


def matching(source: Source, words: list[str]) -> QuerySet:
    """The source's visible rows that match every word, best first."""
    queryset = source.queryset()
    if connection.vendor == "postgresql":
        return _matching_postgresql(source, queryset, words)
    return _matching_sqlite(source, queryset, words)


def _hit(source: Source, obj, words: list[str]) -> Hit:
    texts = [getattr(obj, name) or "" for name in source.snippet_fields]
    shown = next((text for text in texts if has_hit(text, words)), next((text for text in texts if text), ""))
    return Hit(
        title=highlight(getattr(obj, source.title), words),
        url=source.url(obj),
        meta=[item for item in source.meta(obj) if item],
        snippet=snippet(shown, words),
    )


def search(q: str) -> list[Group]:
    """Every group with its number of hits and its best HITS_PER_GROUP hits."""
    words = query_words(q)
    if not words:
        return []
    groups = []
    for source in SOURCES:
        # The total in the same query as the best rows.
        rows = list(matching(source, words).annotate(search_total=Window(Count("pk")))[:HITS_PER_GROUP])
        count = rows[0].search_total if rows else 0
        groups.append(
            Group(key=source.key, label=source.label, count=count, hits=[_hit(source, r, words) for r in rows])
        )
    return groups
