from django.urls import path

from voices import views

app_name = "voices"

urlpatterns = [
    path("roster/<int:pk>/undertexter.vtt", views.captions, name="captions"),
]
