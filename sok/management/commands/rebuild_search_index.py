"""manage.py rebuild_search_index: write the site search's index afresh from the database.

Needed only after writes that send no signals (QuerySet.update(), COPY, bulk_create, a
restored dump without the sok tables); every save and delete keeps the index current.
"""

from django.core.management.base import BaseCommand
from django.db import connection

from sok.index import rebuild


class Command(BaseCommand):
    help = "Bygger om sökindexet för webbplatsens sökning."

    def handle(self, *args, **options) -> None:
        total = rebuild()
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # The old entries' space back, and fresh statistics for the planner.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM (ANALYZE) sok_entry")
        self.stdout.write(f"Sökindexet byggt: {total} poster.")
