"""PostgreSQL only: GIN indexes on the entry's vectors and (trigrams) on its folded title.

Made here rather than in Entry.Meta so that SQLite, which has neither GIN nor trigrams,
migrates the same model; on SQLite this migration does nothing.
"""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS sok_entry_vector_gin ON sok_entry USING gin (vector);
CREATE INDEX IF NOT EXISTS sok_entry_title_vector_gin ON sok_entry USING gin (title_vector);
CREATE INDEX IF NOT EXISTS sok_entry_title_trgm ON sok_entry USING gin (title_folded gin_trgm_ops);
"""
DROP = """
DROP INDEX IF EXISTS sok_entry_title_trgm;
DROP INDEX IF EXISTS sok_entry_title_vector_gin;
DROP INDEX IF EXISTS sok_entry_vector_gin;
"""


def create_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_indexes(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("sok", "0002_entry")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
