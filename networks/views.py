"""Public pages: home, the networks, news and the site's fixed pages."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from members.models import Membership, User
from members.roles import STEERING_GROUP
from networks.models import Network, Post, WorkingGroup

HOME_NEWS_COUNT = 3
NETWORK_NEWS_COUNT = 5
NEWS_PER_PAGE = 10


def home(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.all()
    news = Post.objects.published().select_related("network")[:HOME_NEWS_COUNT]
    return render(request, "networks/home.html", {"networks": networks, "news": news})


def network_list(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/network_list.html", {"networks": Network.objects.all()})


def network_detail(request: HttpRequest, slug: str) -> HttpResponse:
    network = get_object_or_404(
        Network.objects.prefetch_related(
            Prefetch("working_groups", queryset=WorkingGroup.objects.filter(is_active=True), to_attr="active_groups"),
            Prefetch(
                "memberships",
                queryset=Membership.objects.active().filter(actor__is_public=True).select_related("actor"),
                to_attr="active_memberships",
            ),
            _coordinators_prefetch(),
        ),
        slug=slug,
    )
    news = (
        Post.objects.published()
        .filter(Q(network=network) | Q(network__isnull=True))
        .select_related("network")[:NETWORK_NEWS_COUNT]
    )
    return render(request, "networks/network_detail.html", {"network": network, "news": news})


def _coordinators_prefetch() -> Prefetch:
    # Names only: a coordinator without a name is not listed rather than shown by e-mail.
    return Prefetch("coordinators", queryset=User.objects.exclude(name="").order_by("name"), to_attr="coordinator_list")


def about(request: HttpRequest) -> HttpResponse:
    networks = Network.objects.prefetch_related(_coordinators_prefetch())
    steering_group = User.objects.filter(groups__name=STEERING_GROUP, is_active=True).exclude(name="").order_by("name")
    return render(request, "networks/about.html", {"networks": networks, "steering_group": steering_group})


def news_list(request: HttpRequest) -> HttpResponse:
    posts = Post.objects.published().select_related("network")
    page = Paginator(posts, NEWS_PER_PAGE).get_page(request.GET.get("sida"))
    return render(request, "networks/news_list.html", {"page": page})


def post_detail(request: HttpRequest, slug: str) -> HttpResponse:
    post = get_object_or_404(Post.objects.published().select_related("network"), slug=slug)
    return render(request, "networks/post_detail.html", {"post": post})


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/accessibility.html")


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "networks/privacy.html")
