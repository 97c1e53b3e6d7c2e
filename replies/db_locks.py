"""PostgreSQL advisory locks, held by this process's database session: one writer at a time across processes."""
from contextlib import contextmanager

from django.db import connection


@contextmanager
def advisory_lock(*key: int, wait: bool = False):
    """The advisory lock named by one bigint or two ints; yields whether it was taken (always, with wait)."""
    placeholders = ", ".join(["%s"] * len(key))
    with connection.cursor() as cursor:
        if wait:
            cursor.execute(f"SELECT pg_advisory_lock({placeholders})", list(key))
            acquired = True
        else:
            cursor.execute(f"SELECT pg_try_advisory_lock({placeholders})", list(key))
            acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT pg_advisory_unlock({placeholders})", list(key))
