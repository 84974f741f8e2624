"""Django's PostgreSQL backend, with a check of every connection taken from psycopg's pool (base.py)."""
