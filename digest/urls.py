from django.urls import path

from digest import views

app_name = "digest"

urlpatterns = [
    path("mina-sidor/veckobrev/", views.subscriptions, name="subscriptions"),
    # The link in every digest: works without logging in (a signed token per user).
    path("veckobrev/avsluta/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
