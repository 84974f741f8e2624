from django.urls import path

from grants import views

app_name = "grants"

urlpatterns = [
    # /bidrag/
    path("bidrag/", views.start, name="start"),
    path("bidrag/beviljade/", views.granted, name="granted"),
    path("bidrag/ansok/", views.new, name="new"),
    path("bidrag/ansokningar/<int:pk>/", views.detail, name="detail"),
    path("bidrag/ansokningar/<int:pk>/steg/<int:step>/", views.step, name="step"),
    path("bidrag/ansokningar/<int:pk>/granska/", views.review, name="review"),
    path("bidrag/ansokningar/<int:pk>/kvitto/", views.receipt, name="receipt"),
    path("bidrag/ansokningar/<int:pk>/aterkalla/", views.withdraw, name="withdraw"),
    path("bidrag/ansokningar/<int:pk>/bekrafta/", views.confirm, name="confirm"),
    path("bidrag/ansokningar/<int:pk>/aterrapport/", views.report, name="report"),
    path("bidrag/ansokningar/<int:pk>/bilagor/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("bidrag/ansokningar/<int:pk>/beslut/<int:letter_pk>/beslutsbrev.pdf", views.letter, name="letter"),
    path(
        "bidrag/ansokningar/<int:pk>/bilagor/<int:attachment_pk>/ta-bort/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    # /mina-sidor/
    path("mina-sidor/ansokningar/", views.my_applications, name="my-applications"),
]
