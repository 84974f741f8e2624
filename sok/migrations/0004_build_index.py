"""Index the rows that exist already (later saves and deletes keep the index current)."""

from django.db import migrations


def build(apps, schema_editor) -> None:
    from sok.index import rebuild

    rebuild(apps)


class Migration(migrations.Migration):
    dependencies = [("sok", "0003_entry_gin_indexes")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop, elidable=False)]
