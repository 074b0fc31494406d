"""A trigram index for search's case-insensitive substring match, as a migration operation (PostgreSQL only).

Django's `icontains` is `UPPER("column"::text) LIKE UPPER('%q%')` on PostgreSQL: no B-tree serves a pattern
that starts with `%`, so a miss reads the whole table. A GIN index of pg_trgm's trigrams on exactly that
expression does (docs/performance.md, "Search"). SQLite has no trigrams: there the operation does nothing.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation
from django.db.migrations.state import ProjectState


class AddTrigramIndex(Operation):
    """On PostgreSQL:

    1. create the pg_trgm extension if it is missing (a trusted extension since PostgreSQL 13: the database's
       owner may create it, no superuser needed);
    2. create the GIN index (`CREATE INDEX`, not CONCURRENTLY: a migration runs in a transaction, so writes to the
       table wait until the migration commits; an operator may build it CONCURRENTLY beforehand under the same
       name, docs/operations.md), without GIN's pending list (`fastupdate = off`):
       each insert updates the index itself (about 0.1 ms a row), where a pending list is read row by row by
       every search until vacuum merges it, and makes the planner price the index so dear that it walks the
       table instead (20,000 new tasks: 253 pending pages, a sequential scan);
    3. analyse the table: the statistics of the indexed expression are what let the planner tell a rare match
       (read through the index) from a common one (walked newest first, stopping after its group). Without them
       it would wait for autovacuum, which analyses a table only after a tenth of it changed.

    Backwards drops the index and keeps the extension (other indexes, or the database's owner, may use it).
    The index is not part of the model state: makemigrations never sees it, as with any RunSQL.
    """

    reversible = True
    reduces_to_sql = True  # sqlmigrate shows the SQL on PostgreSQL

    def __init__(self, *, model_name: str, field: str, name: str) -> None:
        self.model_name, self.field, self.name = model_name, field, name

    def deconstruct(self) -> tuple[str, list[Any], dict[str, str]]:
        return self.__class__.__name__, [], {"model_name": self.model_name, "field": self.field, "name": self.name}

    def state_forwards(self, app_label: str, state: ProjectState) -> None:
        pass

    def database_forwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor != "postgresql":
            return
        model = to_state.apps.get_model(app_label, self.model_name)
        quote = schema_editor.quote_name
        table, column = quote(model._meta.db_table), quote(model._meta.get_field(self.field).column)
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        # `icontains`'s own expression; the cast is the same for varchar and text columns.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(self.name)} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
            " WITH (fastupdate = off)"
        )
        schema_editor.execute(f"ANALYZE {table}")

    def database_backwards(
        self, app_label: str, schema_editor: BaseDatabaseSchemaEditor, from_state: ProjectState, to_state: ProjectState
    ) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(self.name)}")

    def describe(self) -> str:
        return f"Create trigram index {self.name} on {self.model_name}.{self.field} (PostgreSQL only)"

    @property
    def migration_name_fragment(self) -> str:
        return self.name.lower()
