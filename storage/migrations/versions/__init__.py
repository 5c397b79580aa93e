"""Alembic revisions (ignored by Alembic itself; makes the directory a package)."""
