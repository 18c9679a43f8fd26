"""Checking and reading an uploaded file, in this process (the command line) or in a child process with a
memory limit and a timeout (web uploads), so that a file that gets past every check and still runs away takes
down only its child, never the worker serving everyone else.

The child comes from a fork server (``multiprocessing``'s ``forkserver``): forking a threaded web worker is
unsafe, and the server has the reader imported already, so a child starts in milliseconds. The child reports
its peak memory (logged) with its answer. A process reads at
most ``SLOTS`` uploads at once; the next waits its turn (up to the timeout).
"""

from __future__ import annotations

import logging
import multiprocessing
import resource
import threading
import time

from importers import safety, sheets

log = logging.getLogger(__name__)
SLOTS = 2
_slots = threading.BoundedSemaphore(SLOTS)
_context = multiprocessing.get_context("forkserver")
# The server imports the reader once; "__main__" (the ``ctmonitor`` script) too, or every child would import it
# again before starting (multiprocessing's set-up of a child), a second or more of Dash for nothing.
_context.set_forkserver_preload(["__main__", "importers.isolation", "python_calamine"])


def read(data: bytes, filename: str, settings, *, isolated: bool = False):
    """``(FileFormat, raw sheets)`` of a checked file; ``safety.Refused`` when it will not be read."""
    if not isolated:
        return _read(data, filename, settings.upload_limit, settings.inflate_limit)
    if not _slots.acquire(timeout=settings.read_timeout):
        raise safety.Refused("the server is busy reading other uploads; try again in a minute")
    try:
        return _in_child(data, filename, settings)
    finally:
        _slots.release()


def _read(data: bytes, filename: str, upload_limit: int, inflate_limit: int):
    fmt = safety.check(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit)
    return fmt, sheets.read(data, fmt, filename)


def _in_child(data: bytes, filename: str, settings):
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, daemon=True, args=(
        sender, data, filename, settings.upload_limit, settings.inflate_limit, settings.read_memory_limit))
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.read_timeout):
            log.warning("reading %s took over %.0f s: stopped", filename, settings.read_timeout)
            raise safety.Refused(
                f"the workbook took longer than {settings.read_timeout:.0f} s to read; split it into smaller "
                "workbooks and upload them one by one"
            )
        try:
            outcome, payload = receiver.recv()
        except (EOFError, OSError):  # the child died: an allocation past the memory limit aborts it
            outcome, payload = "memory", None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        log.info("read %s in a child process: %.2f s, exit %s", filename, time.monotonic() - started, child.exitcode)
    if outcome == "ok":
        return payload
    if outcome == "refused":
        raise payload
    if outcome == "memory":
        raise safety.Refused(
            f"the workbook needs more memory to read than ctmonitor allows ({settings.read_memory_limit / 2**20:,.0f} "
            "MB); split it into smaller workbooks and upload them one by one"
        )
    log.error("reading %s failed in the child process: %s", filename, payload)
    raise safety.Refused("the file could not be read: an unexpected problem occurred (reported to the administrator)")


def _child(sender, data, filename, upload_limit, inflate_limit, memory_limit) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        outcome = ("ok", _read(data, filename, upload_limit, inflate_limit))
    except safety.Refused as exc:
        outcome = ("refused", exc)
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 — only its type crosses back: a message could quote a cell
        outcome = ("failed", type(exc).__name__)
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", None))
    sender.close()
