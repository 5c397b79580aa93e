"""parbot storage layer: models, engine/session, migrations, repositories, unit of work.

Typical use::

    from storage import make_engine, make_sessionmaker, UnitOfWork, migrate

    await migrate.upgrade(url)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    async with UnitOfWork(sessions) as uow:
        period = await uow.periods.get_by_year(2024)
"""

from storage import migrate
from storage.db import make_engine, make_sessionmaker, normalize_url
from storage.files import EvidenceStore
from storage.repositories import StorageError, VersionConflict
from storage.types import UTCDateTime, utcnow
from storage.uow import UnitOfWork

__all__ = [
    "EvidenceStore",
    "StorageError",
    "UTCDateTime",
    "UnitOfWork",
    "VersionConflict",
    "make_engine",
    "make_sessionmaker",
    "migrate",
    "normalize_url",
    "utcnow",
]
