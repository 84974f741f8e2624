"""A payment's pot, filled by 0009, is required from now on, with its index.

(A migration of its own: on PostgreSQL the rows 0009 updated leave deferred foreign-key
checks pending until its transaction ends, and the table cannot be altered before.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0009_payment_pot"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="pot",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grants.pot",
                verbose_name="pott",
            ),
        ),
        migrations.AddIndex(
            model_name="payment",
            index=models.Index(fields=["pot"], include=("amount",), name="payment_pot_amount"),
        ),
    ]
