"""Checking and reading an uploaded file, in this process (the command line) or in a child process with a
memory limit and a timeout (web uploads), so that a file that gets past every check and still runs away takes
down only its child, never the worker serving everyone else.

The child comes from a fork server (``multiprocessing``'s ``forkserver``): forking a threaded web worker is
unsafe, and the server has the reader imported already, so a child starts in milliseconds. The child reports
its peak memory (logged) with its answer. A process reads at
most ``SLOTS`` uploads at once; the next waits its turn (up to the timeout).

A process that may be lost (that child, or the command line's own worker: ``importers.cli``) checks the file
*while* calamine reads it (``overlapped``): calamine releases the GIL while it parses, so the streaming scan
costs no time on a second core. A file the scan would have refused can then make calamine abort the process
(a sheet spanning A1:XFD1048576); whoever started it sees the process die and reads the file again the
careful way, check first, which refuses it with its reason.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import resource
import threading
import time
from dataclasses import replace

from importers import safety, sheets

log = logging.getLogger(__name__)
SLOTS = 2
_slots = threading.BoundedSemaphore(SLOTS)
_context = multiprocessing.get_context("forkserver")
# The server imports the reader once; "__main__" (the ``ctmonitor`` script) too, or every child would import it
# again before starting (multiprocessing's set-up of a child), a second or more of Dash for nothing.
_context.set_forkserver_preload(["__main__", "importers.isolation", "python_calamine"])


def read(data: bytes, filename: str, settings, *, isolated: bool = False, overlapped: bool = False):
    """``(FileFormat, raw sheets)`` of a checked file; ``safety.Refused`` when it will not be read.
    ``overlapped``: check while reading, only in a process whose loss its starter handles (see above)."""
    if not isolated:
        return _read(data, filename, settings.upload_limit, settings.inflate_limit, overlapped)
    if not _slots.acquire(timeout=settings.read_timeout):
        raise safety.Refused("the server is busy reading other uploads; try again in a minute")
    try:
        try:
            return _in_child(data, filename, settings, overlapped=True)
        except _ChildLost:
            log.warning("the reader stopped on %s while it was being checked: checking it first",
                        _named(data))
        try:
            return _in_child(data, filename, settings, overlapped=False)
        except _ChildLost:
            raise safety.Refused(_needs_memory(settings)) from None
    finally:
        _slots.release()


def _read(data: bytes, filename: str, upload_limit: int, inflate_limit: int, overlapped: bool = False):
    fmt, scan = safety.preflight(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit)
    if scan is None:
        return fmt, sheets.read(data, fmt, filename)
    if not overlapped:
        return replace(fmt, formulas=scan()), sheets.read(data, fmt, filename)
    read: dict = {}

    def load() -> None:
        try:
            read["sheets"] = sheets.read(data, fmt, filename)
        except BaseException as exc:  # noqa: BLE001 — handed to the checking thread, raised there
            read["error"] = exc

    reader = threading.Thread(target=load, name="calamine-read", daemon=True)
    reader.start()
    try:
        formulas = scan()  # a refusal of the check wins over anything the reader says
    except safety.Refused as exc:
        if reader.is_alive():  # this process may go down with the reader any moment now: leave it
            raise CheckFirst(exc) from None
        raise
    reader.join()
    if "error" in read:
        raise read["error"]
    return replace(fmt, formulas=formulas), read["sheets"]


class CheckFirst(Exception):
    """The check refused a file while calamine was still reading it in this process (``overlapped``). The
    process must be left without writing anything, since the reader may take it down any moment, and the file
    imported again the careful way; ``refusal`` is what the check said."""

    def __init__(self, refusal: safety.Refused):
        super().__init__(str(refusal))
        self.refusal = refusal


class _ChildLost(Exception):
    """The reading child ended without an answer: killed by its memory limit, or by the reader itself."""


def _needs_memory(settings) -> str:
    return (f"the workbook needs more memory to read than ctmonitor allows ({settings.read_memory_limit / 2**20:,.0f} "
            "MB); split it into smaller workbooks and upload them one by one")


def _named(data: bytes) -> str:
    """An upload as the logs name it: by its digest, as the import's own log line does, never by its file's
    name (a case file's name may be a person's)."""
    return f"upload sha256={hashlib.sha256(data).hexdigest()[:12]}"


def _in_child(data: bytes, filename: str, settings, *, overlapped: bool):
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, daemon=True, args=(
        sender, data, filename, settings.upload_limit, settings.inflate_limit, settings.read_memory_limit,
        overlapped))
    started = time.monotonic()
    child.start()
    sender.close()
    try:
        if not receiver.poll(settings.read_timeout):
            log.warning("reading %s took over %.0f s: stopped", _named(data), settings.read_timeout)
            raise safety.Refused(
                f"the workbook took longer than {settings.read_timeout:.0f} s to read; split it into smaller "
                "workbooks and upload them one by one"
            )
        try:
            outcome, payload = receiver.recv()
        except (EOFError, OSError):  # the child died: an allocation past the memory limit aborts it
            outcome, payload = "lost", None
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join(5)
        log.info("read %s in a child process: %.2f s, exit %s", _named(data), time.monotonic() - started,
                 child.exitcode)
    if outcome == "ok":
        return payload
    if outcome == "refused":
        raise payload
    if outcome == "lost":
        raise _ChildLost()
    if outcome == "memory":
        raise safety.Refused(_needs_memory(settings))
    log.error("reading %s failed in the child process: %s", _named(data), payload)
    raise safety.Refused("the file could not be read: an unexpected problem occurred (reported to the administrator)")


def _child(sender, data, filename, upload_limit, inflate_limit, memory_limit, overlapped) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    try:
        outcome = ("ok", _read(data, filename, upload_limit, inflate_limit, overlapped))
    except safety.Refused as exc:
        outcome = ("refused", exc)
    except CheckFirst as exc:  # refused while the reader still runs: say so now, the child ends with it
        outcome = ("refused", exc.refusal)
    except MemoryError:
        outcome = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 — only its type crosses back: a message could quote a cell
        outcome = ("failed", type(exc).__name__)
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory", None))
    sender.close()
