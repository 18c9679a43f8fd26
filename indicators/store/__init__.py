"""The store: the engine and session factory (``db``), the settings read once from the environment, the
tables (``models``) and their Alembic history (``migrations``, run by ``migrate``), backups, the sheet kinds'
registry (``kinds``) and the stored records read through it (``records``).

Imports the plain modules of ``indicators`` only (and SQLAlchemy, Alembic): every other room builds on it.
"""
