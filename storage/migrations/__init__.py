"""Alembic environment of parbot (see env.py); a package so that it ships in wheels."""
