from django.urls import path

from borsen import views
from borsen.feeds import NetworkListingsFeed

app_name = "borsen"

urlpatterns = [
    path("borsen/", views.listing_list, name="list"),
    path("borsen/nytt/", views.listing_create, name="create"),
    path("borsen/<int:pk>/", views.listing_detail, name="detail"),
    path("borsen/<int:pk>/andra/", views.listing_edit, name="edit"),
    path("borsen/<int:pk>/lost/", views.listing_solve, name="solve"),
    path("borsen/<int:pk>/svara/", views.listing_answer, name="answer"),
    path("borsen/natverk/<slug:slug>/flode/", NetworkListingsFeed(), name="feed"),
]
