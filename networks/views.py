"""Public pages: home, the networks, news and the site's fixed pages."""

from __future__ import annotations

from datetime import date

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from meetings.models import Meeting, next_meeting_start
from members.models import Membership, User
from members.roles import STEERING_GROUP
from networks.models import Network, Post, WorkingGroup

HOME_NEWS_COUNT = 3
HOME_MEETINGS_COUNT = 5
NETWORK_MEETINGS_COUNT = 3
NETWORK_NEWS_COUNT = 5
NEWS_PER_PAGE = 10
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
    return render(request, "networks/home.html", {"networks": networks, "news": news, "next_meetings": next_meetings})


@require_safe
def network_list(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.annotate(next_meeting_at=next_meeting_start())
    return render(request, "networks/network_list.html", {"networks": networks})


def _public_memberships():
    return Membership.objects.active().filter(actor__is_public=True)


@require_safe
def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(
        Network.objects.prefetch_related(
            Prefetch("working_groups", queryset=WorkingGroup.objects.filter(is_active=True), to_attr="active_groups"),
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
        {"network": network, "news": news, "next_meetings": next_meetings},
    )


def _coordinators_prefetch() -> Prefetch:
    # Names only: a coordinator without a name is not listed rather than shown by e-mail.
    return Prefetch("coordinators", queryset=User.objects.exclude(name="").order_by("name"), to_attr="coordinator_list")


@require_safe
def about(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.prefetch_related(_coordinators_prefetch())
    steering_group = User.objects.filter(groups__name=STEERING_GROUP, is_active=True).exclude(name="").order_by("name")
    return render(request, "networks/about.html", {"networks": networks, "steering_group": steering_group})


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
        "networks/accessibility.html",
        {"prepared_on": ACCESSIBILITY_PREPARED_ON, "reviewed_on": ACCESSIBILITY_REVIEWED_ON},
    )


@require_safe
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/privacy.html")
