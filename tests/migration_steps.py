"""Moving the test database's schema back and forth for data-migration tests."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader


def migrate_back(*targets):
    """Unapply every migration after `targets` (and whatever other apps built on them), then
    return the historical models of exactly what is still applied: other apps stay at their
    latest schema, so an ancestor's state would not match their tables."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(list(targets))
    loader = MigrationLoader(connection)
    applied = [node for node in loader.applied_migrations if node in loader.graph.nodes]
    return loader.project_state(applied).apps


def migrate_to_latest():
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
