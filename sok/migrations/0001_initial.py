"""PostgreSQL only: unaccent and pg_trgm, and the text search configuration natverk_sv.

natverk_sv is PostgreSQL's Swedish configuration with unaccent before the Swedish stemmer,
so "Läxhjälp" and "laxhjalp", "Kafé" and "KAFE" give the same lexemes. Both extensions
are "trusted" (PostgreSQL 13 and later): the database's owner may create them. On SQLite
every operation here does nothing (CreateExtension checks the vendor itself).
"""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CREATE_CONFIGURATION = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'natverk_sv') THEN
        CREATE TEXT SEARCH CONFIGURATION natverk_sv (COPY = pg_catalog.swedish);
    END IF;
END
$$;
ALTER TEXT SEARCH CONFIGURATION natverk_sv
    ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
    WITH unaccent, swedish_stem;
"""
DROP_CONFIGURATION = "DROP TEXT SEARCH CONFIGURATION IF EXISTS natverk_sv;"


def create_configuration(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_CONFIGURATION)


def drop_configuration(apps, schema_editor) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_CONFIGURATION)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunPython(create_configuration, drop_configuration, elidable=False),
    ]
