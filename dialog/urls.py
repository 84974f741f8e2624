from django.urls import path

from dialog import views
from dialog.feeds import NetworkQuestionsFeed

app_name = "dialog"

urlpatterns = [
    path("fragor/", views.question_list, name="list"),
    path("fragor/ny/", views.question_create, name="create"),
    path("fragor/<int:pk>/", views.question_detail, name="detail"),
    path("fragor/<int:pk>/jag-med/", views.question_support, name="support"),
    path("fragor/natverk/<slug:slug>/flode/", NetworkQuestionsFeed(), name="feed"),
]
