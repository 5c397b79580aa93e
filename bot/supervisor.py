"""The parent of `parbot run --webhook --workers N`: it starts the workers and outlives them.

SIGTERM or SIGINT to the parent is passed to every worker as SIGTERM; each finishes the updates
it is handling, releases the scheduler lock and exits, and the parent exits only after all of
them (a worker still running after the grace period is killed). A worker that dies while the
parent runs is started again, after a back-off that grows while workers keep dying young. If
the parent itself is killed outright, the kernel sends each worker SIGTERM (Linux
``PR_SET_PDEATHSIG``) and a worker also stops when it notices it has been orphaned, so an
upgrade never leaves old code serving the port.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import wait
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from types import FrameType

log = logging.getLogger("parbot.supervisor")

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 30.0
HEALTHY_AFTER = 60.0
"""A worker that ran this long before dying restarts after the shortest back-off again."""


@dataclass
class _Slot:
    number: int
    proc: BaseProcess | None = None
    started: float = 0.0
    restart_at: float | None = None
    backoff: float = BACKOFF_FIRST


def _context() -> ForkContext | SpawnContext:
    """fork where there is one (fast, nothing heavy is imported yet), else spawn."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class Supervisor:
    def __init__(self, target: Callable[[int], None], workers: int, grace: float = 30.0) -> None:
        """``target(parent_pid)`` is run in each worker process."""
        self.target = target
        self.slots = [_Slot(n) for n in range(1, workers + 1)]
        self.grace = grace
        self._stopping = False
        self._ctx = _context()

    def run(self) -> int:
        """Supervise until SIGTERM/SIGINT; returns the exit code (0 after a clean stop)."""
        wake_r, wake_w = socket.socketpair()
        wake_w.setblocking(False)
        previous = signal.set_wakeup_fd(wake_w.fileno(), warn_on_full_buffer=False)
        handlers = {sig: signal.signal(sig, self._on_signal) for sig in _STOP_SIGNALS}
        try:
            for slot in self.slots:
                self._start(slot)
            while not self._stopping:
                self._watch(wake_r)
            return self._stop_all()
        finally:
            for sig, handler in handlers.items():
                signal.signal(sig, handler)
            signal.set_wakeup_fd(previous)
            wake_r.close()
            wake_w.close()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if not self._stopping:
            log.info("supervisor: %s received, stopping the workers", signal.Signals(signum).name)
        self._stopping = True

    def _start(self, slot: _Slot) -> None:
        proc = self._ctx.Process(
            target=self.target, args=(os.getpid(),), name=f"parbot-worker-{slot.number}"
        )
        proc.start()
        slot.proc, slot.started, slot.restart_at = proc, time.monotonic(), None
        log.info("supervisor: worker %s started (pid %s)", slot.number, proc.pid)

    def _watch(self, wake: socket.socket) -> None:
        """Wait for a worker to exit, a signal, or a restart to come due; act on each."""
        now = time.monotonic()
        due = [s.restart_at for s in self.slots if s.restart_at is not None]
        timeout = max(0.0, min(due) - now) if due else None
        sentinels = [s.proc.sentinel for s in self.slots if s.proc is not None]
        for ready in wait([*sentinels, wake], timeout):
            if ready is wake:
                with contextlib.suppress(BlockingIOError):
                    wake.recv(512)
        if self._stopping:
            return
        now = time.monotonic()
        for slot in self.slots:
            if slot.proc is not None and not slot.proc.is_alive():
                self._died(slot, now)
            elif slot.restart_at is not None and slot.restart_at <= now:
                self._start(slot)

    def _died(self, slot: _Slot, now: float) -> None:
        assert slot.proc is not None
        slot.proc.join()
        if now - slot.started >= HEALTHY_AFTER:
            slot.backoff = BACKOFF_FIRST
        log.warning(
            "supervisor: worker %s (pid %s) exited with code %s; restarting in %g s",
            slot.number,
            slot.proc.pid,
            slot.proc.exitcode,
            slot.backoff,
        )
        slot.proc, slot.restart_at = None, now + slot.backoff
        slot.backoff = min(slot.backoff * 2, BACKOFF_MAX)

    def _stop_all(self) -> int:
        """SIGTERM every worker, wait up to the grace period, SIGKILL whoever is left."""
        running = [s.proc for s in self.slots if s.proc is not None and s.proc.is_alive()]
        for proc in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(proc.pid or 0, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for proc in running:
            proc.join(max(0.0, deadline - time.monotonic()))
        killed = [p for p in running if p.is_alive()]
        for proc in killed:
            log.warning(
                "supervisor: worker pid %s still running after %g s, killed", proc.pid, self.grace
            )
            proc.kill()
            proc.join()
        log.info("supervisor: all workers stopped")
        return 1 if killed else 0


_STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def become_worker(parent_pid: int) -> None:
    """First thing in a worker: default signal handling (the parent's flag-setting handlers
    are inherited over fork and would swallow SIGTERM) and, on Linux, SIGTERM when the
    parent dies. Exits at once if the parent is already gone."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.set_wakeup_fd(-1)
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:
        raise SystemExit(0)


_PR_SET_PDEATHSIG = 1
