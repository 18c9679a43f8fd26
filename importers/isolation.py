"""Checking and reading an uploaded file in child processes with a memory limit and a timeout, for web
uploads and the command line alike, so that a file that gets past every check and still runs away takes
down only a child, never the worker serving everyone else, nor the command with the files after it.

- Two children start side by side: one checks the file (``safety.check``: it parses every part as XML, which
  is slower than calamine reads it), the other reads it with calamine and hands the rows back as they are
  converted, a few thousand at a time. On two cores the check costs little more time than the read. The
  importing process types the rows and plans its writes while the check still runs (``meanwhile``), and the
  checking child runs at a lower priority (``CHECK_NICENESS``): the reader, the importing process and the
  pages being served go first, and the check takes the time they leave. The check's verdict wins: a file it
  refuses is refused with its reason, and its reader stopped (or found already stopped: a sheet spanning
  A1:XFD1048576 makes calamine abort). A file the check lets through whose reader still dies is refused with
  one sentence naming it and the memory limit.
- Each child may use ``CTMONITOR_READ_MEMORY_MB`` of address space beyond what it held when it started
  (``RLIMIT_AS``); both together have ``CTMONITOR_READ_TIMEOUT_S``. Their error output goes nowhere (a reader
  stopped by the limit prints its last words there); what they say comes back through pipes.
- The reader reads one sheet at a time (calamine's area of that sheet, converted a row at a time), and the
  receiving process holds the rows and one message, never the whole workbook pickled at once. Equal texts
  of one message cross as one object.
- A process with other threads (a web worker) would hand a plain fork its threads' locks in whatever state
  they are: its children come from a fork server (``multiprocessing``'s ``forkserver``), which has the reader
  imported already. A process with one thread (the command line) forks directly. A process reads at most
  ``SLOTS`` files at once; the next waits its turn (up to the timeout).

``read(..., isolated=False)`` checks and then reads in this process (tests, the browser's own small CSV files).
"""

from __future__ import annotations

import faulthandler
import hashlib
import io
import logging
import multiprocessing
import multiprocessing.connection
import os
import resource
import threading
import time
from dataclasses import replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from importers import safety, sheets

log = logging.getLogger(__name__)
SLOTS = 2
ROWS_PER_MESSAGE = 2_000
CHECK_NICENESS = 10  # the checking child's (``nice``): a tenth of the weight of the processes beside it
_slots = threading.BoundedSemaphore(SLOTS)
_server = multiprocessing.get_context("forkserver")
# The server imports the reader once; "__main__" (the ``ctmonitor`` script) too, or every child would import it
# again before starting (multiprocessing's set-up of a child), a second or more of Dash for nothing.
_server.set_forkserver_preload(["__main__", "importers.isolation", "python_calamine"])


def read(data: bytes, filename: str, settings, *, isolated: bool = False, meanwhile=None):
    """``(FileFormat, raw sheets)`` of a checked file; ``safety.Refused`` when it will not be read.

    ``meanwhile(fmt, raw sheets)``: work on the sheets read while the check is still running (isolated reading
    only; the check often takes longer than the read). Its exception is raised once the check has let the
    file through; when the check refuses the file, the refusal is raised and what it did must be dropped."""
    if not isolated:
        fmt = safety.check(
            data, filename, upload_limit=settings.upload_limit, inflate_limit=settings.inflate_limit
        )
        read_sheets = sheets.read(data, fmt, filename)
        return fmt, (_counted(read_sheets) if fmt.kind == "csv" else read_sheets)
    if not _slots.acquire(timeout=settings.read_timeout):
        raise safety.Refused("the server is busy reading other uploads; try again in a minute")
    try:
        return _in_children(data, filename, settings, meanwhile)
    finally:
        _slots.release()


def needs_memory(filename: str, settings) -> str:
    return (
        f"{filename} needs more memory to read than ctmonitor allows ({settings.read_memory_limit / 2**20:,.0f} "
        "MB); split it into smaller workbooks and upload them one by one"
    )


def took_too_long(filename: str, settings) -> str:
    return (
        f"{filename} took longer than {settings.read_timeout:g} s to read; split it into smaller workbooks and "
        "upload them one by one"
    )


def _named(data: bytes) -> str:
    """An upload as the logs name it: by its digest, as the import's own log line does, never by its file's
    name (a case file's name may be a person's)."""
    return f"upload sha256={hashlib.sha256(data).hexdigest()[:12]}"


def _counted(read_sheets: list) -> list:
    """A CSV file's values count against the same bound as a workbook's (a workbook's are counted before it is
    read; a CSV file's area is bounded while it is parsed, ``sheets``)."""
    if sum(len(row) - row.count("") for sheet in read_sheets for row in sheet.rows) > safety.MAX_VALUES:
        raise safety.Refused(
            f"the file holds more than {safety.MAX_VALUES:,} cells with a value, more than ctmonitor "
            "reads at once; split it into smaller files"
        )
    return read_sheets


def _context():
    """A plain fork from a process with one thread (the command line); the fork server from one with more."""
    return multiprocessing.get_context("fork") if threading.active_count() == 1 else _server


def _in_children(data: bytes, filename: str, settings, meanwhile=None):
    """The checking and the reading child, side by side; their verdicts combined (see the module's doc)."""
    context = _context()
    started = time.monotonic()
    deadline = started + settings.read_timeout
    limits = (settings.upload_limit, settings.inflate_limit, settings.read_memory_limit)
    checker, check_pipe = _start(context, _check_child, data, filename, limits)
    reader, read_pipe = _start(context, _read_child, data, filename, limits)
    read_sheets: list = []
    verdict: tuple | None = None
    outcome: tuple | None = None
    early: BaseException | None = None  # what ``meanwhile`` raised
    try:
        while verdict is None or outcome is None:
            waiting = [pipe for pipe, done in ((check_pipe, verdict), (read_pipe, outcome)) if done is None]
            ready = multiprocessing.connection.wait(waiting, max(deadline - time.monotonic(), 0))
            if not ready:
                log.warning("reading %s took over %.0f s: stopped", _named(data), settings.read_timeout)
                raise safety.Refused(took_too_long(filename, settings))
            for pipe in ready:
                assert isinstance(pipe, Connection)  # wait() hands back the pipes it was given
                try:
                    message: tuple = pipe.recv()
                except (EOFError, OSError):  # the child died: an allocation past the memory limit aborts it
                    message = ("lost",)
                if pipe is check_pipe:
                    verdict = message
                    if verdict[0] == "refused":
                        raise verdict[1]
                elif message[0] == "sheet":
                    read_sheets.append(sheets.RawSheet(*message[1:]))
                elif message[0] == "rows":
                    read_sheets[-1].rows.extend(message[1])
                else:
                    outcome = message
                    if verdict is None and meanwhile is not None and outcome[0] == "ok":
                        early = _meanwhile(meanwhile, outcome[1], read_sheets)
    finally:
        for child, pipe in ((checker, check_pipe), (reader, read_pipe)):
            pipe.close()
            child.join(0.5 if child is checker or outcome is not None else 0)
            if child.is_alive():
                child.kill()
            child.join(5)
        peak = outcome[2] if outcome and outcome[0] == "ok" else 0
        log.info(
            "read %s in a child process: %.2f s, %.0f MB at most, exit %s (check: exit %s)",
            _named(data),
            time.monotonic() - started,
            peak / 2**20,
            reader.exitcode,
            checker.exitcode,
        )
    combined = _combined(verdict, outcome, read_sheets, filename, settings, _named(data))
    if early is not None:
        raise early
    return combined


def _meanwhile(work, fmt, read_sheets: list) -> BaseException | None:
    """Run ``work`` on the sheets read; what it raised, to be raised once the check has let the file through."""
    try:
        work(fmt, read_sheets)
    except Exception as exc:  # noqa: BLE001 — raised as it is, after the check's verdict
        return exc
    return None


def _combined(verdict: tuple, outcome: tuple, read_sheets: list, filename: str, settings, named: str):
    """The check let the file through (``verdict``); what the reader's ``outcome`` makes of it. ``named``: the
    upload as the logs name it."""
    if verdict[0] != "ok":
        log.error("checking %s failed in the child process: %s", named, verdict[-1])
        raise safety.Refused(
            "the file could not be read: an unexpected problem occurred (reported to the administrator)"
        )
    if outcome[0] == "ok":
        return replace(outcome[1], formulas=verdict[1].formulas), read_sheets
    if outcome[0] == "refused":
        raise outcome[1]
    if outcome[0] in ("lost", "memory"):
        raise safety.Refused(needs_memory(filename, settings))
    log.error("reading %s failed in the child process: %s", named, outcome[-1])
    raise safety.Refused(
        "the file could not be read: an unexpected problem occurred (reported to the administrator)"
    )


def _start(context, target, data: bytes, filename: str, limits: tuple) -> tuple[BaseProcess, Connection]:
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=target, daemon=True, args=(sender, data, filename, *limits))
    child.start()
    sender.close()
    return child, receiver


def _check_child(sender, data, filename, upload_limit, inflate_limit, memory_limit) -> None:
    _confine(memory_limit)
    # Its verdict is awaited only once the rows are typed and the writes planned: it yields its core to the
    # reader, the importing process and the pages being served, and takes what they leave.
    os.nice(CHECK_NICENESS)
    _answer(
        sender,
        lambda send: (
            "ok",
            safety.check(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit),
        ),
    )


def _read_child(sender, data, filename, upload_limit, inflate_limit, memory_limit) -> None:
    start = _confine(memory_limit)

    def read(send) -> tuple:
        fmt, _ = safety.preflight(data, filename, upload_limit=upload_limit, inflate_limit=inflate_limit)
        _stream(data, fmt, filename, send)
        return "ok", fmt, max(_peak() - start, 0)

    _answer(sender, read)


def _answer(sender, work) -> None:
    """Run ``work(send)`` and send what came of it: its answer, or why there is none."""
    try:
        outcome = work(sender.send)
    except safety.Refused as exc:
        outcome = ("refused", exc)
    except MemoryError:
        outcome = ("memory",)
    except BaseException as exc:  # noqa: BLE001 — only its type crosses back: a message could quote a cell
        outcome = ("failed", type(exc).__name__)
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(("memory",))
    sender.close()


def _stream(data: bytes, fmt, filename: str, send) -> None:
    """The file's sheets into ``send`` (("sheet", name, rows, top, left, hidden, chart), then ("rows", [...])
    messages), a sheet at a time and ``ROWS_PER_MESSAGE`` rows at a time: what ``sheets.read`` returns,
    without holding more than one sheet's area and one message's rows."""
    if fmt.kind == "csv":
        for sheet in _counted(sheets.read(data, fmt, filename)):
            send(("sheet", sheet.name, [], sheet.top, sheet.left, sheet.hidden, sheet.chart))
            for start in range(0, len(sheet.rows), ROWS_PER_MESSAGE):
                send(("rows", sheet.rows[start : start + ROWS_PER_MESSAGE]))
        return
    import python_calamine as pc

    try:
        workbook = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for meta in workbook.sheets_metadata:
            hidden = meta.visible != pc.SheetVisibleEnum.Visible
            if meta.typ != pc.SheetTypeEnum.WorkSheet:
                send(("sheet", meta.name, [], 0, 0, hidden, True))
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            top, left = sheet.start or (0, 0)
            send(("sheet", meta.name, [], top, left, hidden, False))
            _send_rows(sheet.iter_rows(), top, send)
            del sheet
    except pc.PasswordError:
        raise safety.Refused(
            "the workbook is password-protected (encrypted); remove the password and upload it again"
        ) from None
    except Exception as exc:  # noqa: BLE001 — whatever calamine raises: one line, never a traceback
        log.info("calamine could not read a %s file: %s", fmt.extension, type(exc).__name__)
        raise safety.Refused(
            f"the {fmt.extension} file cannot be read: it is damaged, truncated or not a spreadsheet"
        ) from None
    except BaseException as exc:  # a panic inside the Rust reader
        if isinstance(exc, (KeyboardInterrupt, SystemExit, MemoryError)):
            raise
        raise safety.Refused(
            f"the {fmt.extension} file cannot be read: it is damaged or not a spreadsheet"
        ) from None


def _send_rows(rows, top: int, send) -> None:
    """A sheet's rows from its area's first row (calamine's iterator starts at row 0, the rows above the area
    empty), ``ROWS_PER_MESSAGE`` at a time, equal texts of a message as one object."""
    batch: list = []
    texts: dict = {}
    for number, row in enumerate(rows):
        if number >= top:
            batch.append(
                [texts.setdefault(value, value) if value.__class__ is str else value for value in row]
            )
            if len(batch) == ROWS_PER_MESSAGE:
                send(("rows", batch))
                batch, texts = [], {}
    if batch:
        send(("rows", batch))


def _confine(memory_limit: int) -> int:
    """This child's limits: its address space may grow by ``memory_limit``; its error output goes nowhere (a
    reader aborted by the limit, or panicking, writes its last words and a backtrace there, which would reach
    the command's user or the server's log). Its address space when it started."""
    faulthandler.disable()  # it writes to a descriptor of its own
    with open(os.devnull, "wb") as null:
        os.dup2(null.fileno(), 2)
    start = _address_space()
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = start + memory_limit if hard == resource.RLIM_INFINITY else min(start + memory_limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return start


def _address_space() -> int:
    """This process's address space now (Linux: /proc/self/statm), or 0 where it cannot be known."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _peak() -> int:
    """The largest address space this process has had (Linux: VmPeak), or 0."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmPeak:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0
