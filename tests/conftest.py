"""Shared fixtures: real databases (SQLite and PostgreSQL) for every layer's tests."""

from tests.storage.conftest import *  # noqa: F403
from tests.storage.conftest import _databases  # noqa: F401
