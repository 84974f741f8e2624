from django.db import migrations, models

from members.search import actor_search_text


def fill_search_text(apps, schema_editor) -> None:
    # Historical models have no custom save(): fold the text here, in batches.
    Actor = apps.get_model("members", "Actor")
    batch = []
    for actor in Actor.objects.only("pk", "name", "description").iterator(chunk_size=1000):
        actor.search_text = actor_search_text(name=actor.name, description=actor.description)
        batch.append(actor)
        if len(batch) >= 1000:
            Actor.objects.bulk_update(batch, ["search_text"])
            batch = []
    Actor.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_invitation_actormessage"),
    ]

    operations = [
        migrations.AddField(
            model_name="actor",
            name="search_text",
            field=models.TextField(blank=True, editable=False, verbose_name="söktext"),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop),
    ]
