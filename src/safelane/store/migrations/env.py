"""Alembic environment: safelane passes its own connection; no alembic.ini is needed."""

from alembic import context

from safelane.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through safelane.store.Database.migrate()")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
