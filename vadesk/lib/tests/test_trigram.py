"""Search's trigram indexes: on PostgreSQL on exactly the expression `icontains` compares, reversible; nothing on
SQLite."""

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.state import ProjectState

from vadesk.lib.trigram import AddTrigramIndex
from vadesk.tasks.models import Task

INDEXES = {
    "task_title_trigram": ("tasks_task", "upper((title)::text) gin_trgm_ops"),
    "comment_body_trigram": ("tasks_comment", "upper(body) gin_trgm_ops"),
    "dossierfact_text_trigram": ("clients_dossierfact", "upper((text)::text) gin_trgm_ops"),
    "invoice_number_trigram": ("invoicing_invoice", "upper((number)::text) gin_trgm_ops"),
}


def index_definitions() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE indexname LIKE '%%_trigram'")
        return dict(cursor.fetchall())


def run(operation: AddTrigramIndex, direction: str) -> None:
    state = ProjectState.from_apps(apps)
    with connection.schema_editor() as editor:
        getattr(operation, f"database_{direction}")("tasks", editor, state, state)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_on_postgresql_the_migrations_index_what_icontains_compares(db):
    definitions = index_definitions()
    assert set(definitions) == set(INDEXES)
    for name, (table, expression) in INDEXES.items():
        assert f" ON public.{table} USING gin ({expression}) WITH (fastupdate=off)" in definitions[name], name
    # The lookup compares the same expression (Django's SQL for `icontains` on PostgreSQL).
    assert 'UPPER("tasks_task"."title"::text) LIKE UPPER(' in str(Task.objects.filter(title__icontains="x").query)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's index")
def test_on_postgresql_it_drops_the_index_backwards_and_keeps_the_extension(db):
    operation = AddTrigramIndex(model_name="task", field="title", name="task_title_trigram")
    run(operation, "backwards")
    assert "task_title_trigram" not in index_definitions()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() == (1,)

    run(operation, "forwards")
    assert "task_title_trigram" in index_definitions()


class RecordingEditor:
    """A schema editor that writes down what it would run (SQLite's cannot run inside a test's transaction)."""

    def __init__(self):
        self.connection, self.quote_name, self.statements = connection, connection.ops.quote_name, []

    def execute(self, sql, params=()):
        self.statements.append(sql)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's schema")
def test_on_sqlite_it_does_nothing(db):
    operation, state, editor = (
        AddTrigramIndex(model_name="task", field="title", name="t"),
        ProjectState(),
        RecordingEditor(),
    )
    operation.database_forwards("tasks", editor, state, ProjectState.from_apps(apps))
    operation.database_backwards("tasks", editor, state, state)
    assert editor.statements == []
