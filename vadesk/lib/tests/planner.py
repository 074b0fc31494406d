"""SQLite's query planner shown a large practice's statistics, for plan tests on a small test database."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def sqlite_statistics(stats: dict[tuple[str, tuple[str, ...]], str]):
    """Load `sqlite_stat1` rows ({(table, index columns): "rows rows-per-key …"}) as ANALYZE would write them at
    that size, make the planner read them, and forget them afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        for (table, columns), stat in stats.items():
            cursor.execute(f"PRAGMA index_list({table})")
            for index in [row[1] for row in cursor.fetchall()]:
                cursor.execute(f"PRAGMA index_info({index})")
                if tuple(row[2] for row in cursor.fetchall()) == columns:
                    cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = %s AND idx = %s", [table, index])
                    cursor.execute(
                        "INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (%s, %s, %s)", [table, index, stat]
                    )
        cursor.execute("ANALYZE sqlite_schema")  # reload the statistics
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM sqlite_stat1")
            cursor.execute("ANALYZE sqlite_schema")
