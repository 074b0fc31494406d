"""What `vadesk run` does before it serves: a data directory, an up-to-date database, the demo, due recurring tasks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from vadesk.accounts.models import Organisation
from vadesk.demo.loader import DemoSummary, demo_load
from vadesk.demo.logins import DemoLogin, demo_logins, demo_present
from vadesk.tasks.recurrence import recurring_tasks_spawn


@dataclass(frozen=True)
class Prepared:
    loaded: DemoSummary | None
    recurring_spawned: int
    logins: list[DemoLogin] = field(default_factory=list)


def data_dir_ensure(path: Path | None = None) -> Path:
    """The SQLite file and collected static files live here; SQLite cannot create the directory itself."""
    path = Path(path or settings.DATA_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_migrate(*, verbosity: int = 0) -> int:
    """Apply pending migrations; returns how many there were."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    call_command("migrate", interactive=False, verbosity=verbosity)
    return len(pending)


def practice_prepare(*, load_demo: bool) -> Prepared:
    """Load the demo into a database without organisations (if asked), then create the recurring tasks now due."""
    loaded = demo_load() if load_demo and not Organisation.objects.exists() else None
    spawned = recurring_tasks_spawn()
    return Prepared(loaded, spawned, demo_logins() if demo_present() else [])
