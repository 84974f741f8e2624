"""The join from an entry to a question from a resident (dialog); a join without a column,
so nothing changes in the database. Questions are indexed as they are saved."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("sok", "0005_reindex_proven_addresses"), ("dialog", "0001_initial")]

    # State only: a ForeignObject has no column, and SQLite's table rebuild (forwards and
    # backwards) fails on removing one.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="entry",
                    name="question",
                    field=models.ForeignObject(
                        from_fields=["object_id"],
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="dialog.question",
                        to_fields=["id"],
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
