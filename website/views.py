"""Public pages: home, the networks, news and the site's fixed pages."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from core.roles import steering_group_members
from dialog.display import working_group_questions
from dialog.services import network_questions
from meetings.models import Meeting, next_meeting_start
from members.models import Actor, Membership, Representation, User
from networks.areas import find_networks
from networks.forms import PLACE_PARAMETER, FindNetworkForm
from networks.models import Area, Network, Post, WorkingGroup
from voices.models import Voice

HOME_NEWS_COUNT = 3
HOME_MEETINGS_COUNT = 5
NETWORK_MEETINGS_COUNT = 3
NETWORK_NEWS_COUNT = 5
NEWS_PER_PAGE = 10
GROUP_PAST_MEETINGS_COUNT = 5
NETWORK_MEMBERS_SHOWN = 30
# When the accessibility statement was written and when the site was last assessed.
ACCESSIBILITY_PREPARED_ON = date(2026, 11, 27)
ACCESSIBILITY_REVIEWED_ON = date(2026, 11, 27)


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.annotate(next_meeting_at=next_meeting_start())
    news = Post.objects.published().select_related("network")[:HOME_NEWS_COUNT]
    next_meetings = (
        Meeting.objects.upcoming().select_related("network", "working_group").with_seats()[:HOME_MEETINGS_COUNT]
    )
    return render(
        request,
        "website/home.html",
        {"networks": networks, "news": news, "next_meetings": next_meetings, "find_form": FindNetworkForm()},
    )


@require_safe
def network_list(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.annotate(next_meeting_at=next_meeting_start())
    return render(request, "networks/network_list.html", {"networks": networks, "find_form": FindNetworkForm()})


@require_safe
def find_network(request: HttpRequest) -> HttpResponse:
    """The networks that cover a typed place, "Var bor du?" (/natverk/hitta/?plats=…).

    A GET form, so that an answer is a link and works without JavaScript; anonymous
    visitors get it from the page cache, the query string being part of the key.
    """
    form = FindNetworkForm(request.GET if PLACE_PARAMETER in request.GET else None)
    place = ""
    found = []
    if form.is_bound and form.is_valid():
        place = form.cleaned_data[PLACE_PARAMETER]
        found = find_networks(place)
    # What the box shows: the place, or what was typed when it was refused.
    typed = ""
    if form.is_bound:
        typed = place or form[PLACE_PARAMETER].value() or ""
    return render(request, "networks/find_network.html", {"form": form, "place": place, "typed": typed, "found": found})


def _public_memberships():
    return Membership.objects.active().filter(actor__is_public=True)


@require_safe
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(
        Network.objects.prefetch_related(
            Prefetch("working_groups", queryset=WorkingGroup.objects.filter(is_active=True), to_attr="active_groups"),
            # The areas, streets and places "Var bor du?" finds the network by.
            Prefetch("areas", queryset=Area.objects.order_by("name", "pk"), to_attr="area_list"),
            # A network can have thousands of actors: show the first ones, the directory has them all.
            Prefetch(
                "memberships",
                queryset=_public_memberships()
                .select_related("actor")
                .order_by("actor__name", "pk")[:NETWORK_MEMBERS_SHOWN],
                to_attr="active_memberships",
            ),
            _coordinators_prefetch(),
        ).annotate(
            active_member_count=Count(
                "memberships",
                filter=Q(memberships__status=Membership.Status.ACTIVE, memberships__actor__is_public=True),
            )
        ),
        slug=slug,
    )
    news = (
        Post.objects.published()
        .filter(Q(network=network) | Q(network__isnull=True))
        .select_related("network")[:NETWORK_NEWS_COUNT]
    )
    next_meetings = (
        Meeting.objects.upcoming().for_network(network).select_related("network", "working_group").with_seats()
    )[:NETWORK_MEETINGS_COUNT]
    return render(
        request,
        "networks/network_detail.html",
        {
            "network": network,
            "news": news,
            "next_meetings": next_meetings,
            "join_actors": _join_actors(request.user, network),
            "areas_are_demo": any(area.is_demo for area in network.area_list),
            "voices": Voice.objects.public().filter(network=network),
            **network_questions(network),
        },
    )


def _join_actors(user, network: Network) -> QuerySet[Actor] | None:
    """For "Så går du med": the actors the user may ask to join for, with their membership here (if any).

    Only a signatory asks for membership (members.access.get_actor_for_user_rw), so only
    their actors get a link; None for an anonymous visitor, who is shown how to sign up.
    """
    if not user.is_authenticated:
        return None
    here = Membership.objects.filter(
        actor=OuterRef("pk"), network=network, status__in=[Membership.Status.PENDING, Membership.Status.ACTIVE]
    )
    return (
        Actor.objects.filter(representations__user=user, representations__role=Representation.Role.SIGNATORY)
        .annotate(membership_status=Subquery(here.values("status")[:1]))
        .order_by("name", "pk")
    )


@require_safe
def working_group_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """A working group's own page: what it does and its meetings."""
    group = get_object_or_404(WorkingGroup.objects.select_related("network"), pk=pk, network__slug=slug)
    if not group.is_active:
        # A group that has stopped is not listed anywhere; its old meetings keep their pages.
        raise Http404
    meetings = Meeting.objects.filter(working_group=group).select_related("network", "working_group").with_seats()
    return render(
        request,
        "networks/working_group_detail.html",
        {
            "group": group,
            "network": group.network,
            "upcoming": meetings.upcoming(),
            "past": meetings.past()[:GROUP_PAST_MEETINGS_COUNT],
            "questions": working_group_questions(group),
        },
    )


@require_safe
def network_news(request: HttpRequest, slug: str) -> HttpResponse:
    """All news from one network (news for every network is on /nyheter/)."""
    network = get_object_or_404(Network, slug=slug)
    posts = Post.objects.published().filter(network=network).select_related("network")
    page = Paginator(posts, NEWS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "networks/news_list.html", {"page": page, "network": network})


def _coordinators_prefetch() -> Prefetch:
    # Names only: a coordinator without a name is not listed rather than shown by e-mail.
    return Prefetch("coordinators", queryset=User.objects.exclude(name="").order_by("name"), to_attr="coordinator_list")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.prefetch_related(_coordinators_prefetch())
    steering_group = steering_group_members().exclude(name="").order_by("name")
    voices = Voice.objects.public()
    return render(
        request,
        "website/about.html",
        {"networks": networks, "steering_group": steering_group, "voices": voices, "show_network": True},
    )


@require_safe
def news_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.published().select_related("network")
    page = Paginator(posts, NEWS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "networks/news_list.html", {"page": page})


@require_safe
def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post.objects.published().select_related("network"), slug=slug)
    return render(request, "networks/post_detail.html", {"post": post})


@require_safe
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "website/accessibility.html",
        {"prepared_on": ACCESSIBILITY_PREPARED_ON, "reviewed_on": ACCESSIBILITY_REVIEWED_ON},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "website/privacy.html")


@require_safe
def easy_read(request: HttpRequest) -> HttpResponse:
    """Lättläst: the basics in easy Swedish, the same Swedish text on every language's page."""
    return render(request, "website/easy_read.html", {"networks": Network.objects.order_by("name")})
