from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    # /aktorer/
    path("aktorer/", views.directory, name="directory"),
    path("aktorer/<slug:slug>/", views.actor_detail, name="actor-detail"),
    path("aktorer/<slug:slug>/meddelande/", views.actor_message, name="actor-message"),
    path("aktorer/<slug:slug>/meddelande/kod/", views.actor_message_code, name="actor-message-code"),
    path("aktorer/<slug:slug>/bekrafta-epost/<str:token>/", views.contact_verify, name="contact-verify"),
    # /mina-sidor/
    path("mina-sidor/", views.my_pages, name="my-pages"),
    path("mina-sidor/aktorer/ny/", views.actor_create, name="actor-create"),
    path("mina-sidor/aktorer/<slug:slug>/", views.actor_edit, name="actor-edit"),
    path("mina-sidor/aktorer/<slug:slug>/ga-med/", views.actor_join, name="actor-join"),
    path("mina-sidor/aktorer/<slug:slug>/bekrafta-epost/", views.actor_contact_resend, name="actor-contact-resend"),
    path("mina-sidor/aktorer/<slug:slug>/bjud-in/", views.actor_invite, name="actor-invite"),
    path("mina-sidor/inbjudan/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("mina-sidor/mina-uppgifter/", views.my_data, name="my-data"),
    path("mina-sidor/mina-uppgifter/export/", views.my_data_export, name="my-data-export"),
    path("mina-sidor/mina-uppgifter/radera/", views.account_delete, name="account-delete"),
    # The one-click answer to "Do you want e-mail from us in English?" (members.language).
    path("mina-sidor/e-postsprak/", views.mail_language, name="mail-language"),
]
