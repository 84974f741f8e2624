"""Every outbox row gets a Message-ID of its own, kept for all its attempts.

The rows already in the table get theirs here, each its own: the column is added empty,
filled, and then made unique. It stays nullable: during an update, a server still on the
previous release writes rows without it, and the sender gives those one before their first
attempt (core.mail._claim). Also the time a row was queued again in
the admin (the give-up time counts from it) and an index of the unsent rows by age.
"""

import uuid

from django.conf import settings
from django.db import migrations, models

import core.models

BATCH = 1000


def give_each_row_a_message_id(apps, schema_editor):
    Outbox = apps.get_model("natverk", "Outbox")
    # The same form as core.models.message_id_new, which may change after this migration.
    domain = getattr(settings, "MAIL_MESSAGE_ID_DOMAIN", "localhost")
    pks = list(Outbox.objects.filter(message_id__isnull=True).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        rows = [Outbox(pk=pk, message_id=f"<{uuid.uuid4().hex}@{domain}>") for pk in pks[start : start + BATCH]]
        Outbox.objects.bulk_update(rows, ["message_id"])


class Migration(migrations.Migration):
    dependencies = [
        ("natverk", "0002_outbox_headers"),
    ]

    operations = [
        migrations.AddField(
            model_name="outbox",
            name="message_id",
            field=models.CharField(editable=False, max_length=300, null=True, verbose_name="meddelande-id"),
        ),
        migrations.RunPython(give_each_row_a_message_id, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="outbox",
            name="message_id",
            field=models.CharField(
                default=core.models.message_id_new,
                editable=False,
                max_length=300,
                null=True,
                unique=True,
                verbose_name="meddelande-id",
            ),
        ),
        migrations.AddField(
            model_name="outbox",
            name="retried_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="köad igen"),
        ),
        migrations.AddIndex(
            model_name="outbox",
            index=models.Index(
                condition=models.Q(("sent_at__isnull", True)),
                fields=["created_at"],
                name="natverk_outbox_unsent_idx",
            ),
        ),
    ]
