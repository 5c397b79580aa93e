"""What the layers above storage may catch without importing the database driver.

An outage (the database unreachable, a connection dropped mid-transaction, a statement timeout)
surfaces as one of :data:`OUTAGES`: the engine answers "busy, nothing saved" (or 503 to a
webhook, so Telegram redelivers) instead of "something went wrong".
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# OperationalError is a DBAPIError; both are named so a reader sees what is meant. OSError: the
# socket under the driver failed before SQLAlchemy could wrap it. PoolTimeout: every pooled
# connection stayed busy for the pool's timeout (the server is overloaded or stuck); nothing
# was sent, so the update is safely tried again.
OUTAGES: tuple[type[Exception], ...] = (OperationalError, DBAPIError, OSError, PoolTimeout)
