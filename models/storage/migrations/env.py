"""Alembic environment: always run on a connection handed over by ``models.storage.schema``.

Running migrations needs no entities. Autogenerating one does: pass the entities' metadata as
``config.attributes["target_metadata"]`` (``models.records.entities.Base.metadata``).
"""

from alembic import context

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=context.config.attributes.get("target_metadata"),
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
