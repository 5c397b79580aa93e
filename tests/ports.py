"""A port for a server a test starts later, chosen so nothing else on the machine takes it first.

A port from ``bind(("127.0.0.1", 0))`` is an ephemeral one: once released, the kernel hands the
same number to the next ``bind(0)`` or outgoing connection, and the emulator the test starts next
binds port 0. A CI run lost exactly that race ("address already in use" on the demo page's port).
Ports below the ephemeral range (``/proc/sys/net/ipv4/ip_local_port_range``) are never handed
out that way, so a free one stays free until the test's own server binds it.
"""

from __future__ import annotations

import random
import socket
from pathlib import Path

PORT_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
LOWEST = 20000  # above the well-known and registered ports services on the machine use


def _ephemeral_start() -> int:
    try:
        return int(PORT_RANGE.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 32768  # Linux's default


def free_port() -> int:
    """A port nobody listens on, outside the range the kernel gives to ``bind(0)`` and clients."""
    top = max(_ephemeral_start(), LOWEST + 1000)
    for _ in range(200):
        port = random.randrange(LOWEST, top)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {LOWEST} and {top}")
