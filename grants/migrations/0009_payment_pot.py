"""Each payment keeps its application's pot, so that a pot's paid total is read from one
index (grants.Payment.pot). Existing payments get it from their application."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def fill_pots(apps, schema_editor):
    Application = apps.get_model("grants", "Application")
    Payment = apps.get_model("grants", "Payment")
    Payment.objects.filter(pot__isnull=True).update(
        pot=Subquery(Application.objects.filter(pk=OuterRef("application_id")).values("pot_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("grants", "0008_application_list_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="payment",
            name="pot",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="grants.pot",
                verbose_name="pott",
            ),
        ),
        migrations.RunPython(fill_pots, migrations.RunPython.noop),
    ]
