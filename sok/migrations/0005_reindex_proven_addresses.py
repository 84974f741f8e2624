"""Index again once actors' contact addresses carry their proof (members 0006).

Before it, a consented address was indexed whether or not anyone had confirmed it; now only
a proven one is (members.models.public_contact_email), so entries written earlier may hold
addresses the actor's page no longer shows.
"""

from django.db import migrations


def build(apps, schema_editor) -> None:
    from sok.index import rebuild

    rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [("sok", "0004_build_index"), ("members", "0006_actor_contact_verified")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=False)]
