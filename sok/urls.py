from django.urls import path

from sok import views

app_name = "sok"

urlpatterns = [
    path("sok/", views.search_page, name="search"),
]
