from django.urls import path

from networks.feeds import NewsFeed
from website import views

app_name = "networks"

urlpatterns = [
    path("", views.home, name="home"),
    path("om/", views.about, name="about"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("personuppgifter/", views.privacy, name="privacy"),
    # The basics in easy Swedish (Lättläst), Swedish under every language prefix.
    path("lattlast/", views.easy_read, name="easy-read"),
    # /natverk/
    path("natverk/", views.network_list, name="list"),
    # Before the networks' own pages: "hitta" is no network's slug (networks.models.RESERVED_SLUGS).
    path("natverk/hitta/", views.find_network, name="find"),
    path("natverk/<slug:slug>/", views.network_detail, name="detail"),
    path("natverk/<slug:slug>/nyheter/", views.network_news, name="network-news"),
    path("natverk/<slug:slug>/arbetsgrupper/<int:pk>/", views.working_group_detail, name="working-group"),
    # /nyheter/
    path("nyheter/", views.news_list, name="news"),
    path("nyheter/feed/", NewsFeed(), name="news-feed"),
    path("nyheter/<slug:slug>/", views.post_detail, name="post-detail"),
]
