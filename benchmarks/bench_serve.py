"""e) 20 concurrent users for 60 s against ``ctmonitor serve --workers 3`` on the million-record store; then the
same on a copy of it while ``ctmonitor import`` stores a 100,000-row trainings workbook into it.

Each user signs in through the form, then opens pages one after another as a browser does after the
first load (the shell's layout, then the page router callback that draws the page), pausing 0.5–1.5 s
between pages. The workers are warmed first (each draws every page once on its first request).
Goal: no errors, p95 < 1 s; with the import, over every request and over those made while it ran, and the
import stored.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy.engine import make_url

from benchmarks._bigstore import CACHE
from benchmarks._pgstore import bench_store, copy_url, database_name, drop, recreate
from benchmarks._report import line, median_p95
from benchmarks._serving import BENCH_PASSWORD, BENCH_USER, ensure_user

USERS, SECONDS, WORKERS = 20, 60, 3
IMPORT_ROWS, IMPORT_AFTER = 100_000, 3  # the import starts this long after the users have signed in
PAGES = [
    ("/", ""),
    ("/programme", "?code=KEC&period=FY2019Q3"),
    ("/programme", "?code=PVR"),
    ("/indicator", "?code=KEC-4.2&period=FY2019Q3"),
    ("/indicator", "?code=PVR-3.1"),
    ("/reports", "?programme=KEC&period=FY2019Q3"),
    ("/upload", ""),
    ("/victims", ""),
    ("/quality", "?programme=KEC"),
    ("/quality", ""),
]
REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def router_request(dependencies: list[dict]) -> dict:
    """The page router callback as Dash declares it: its output string and its inputs."""
    for callback in dependencies:
        if "_pages_content" in callback["output"]:
            return callback
    raise RuntimeError("the page router callback was not found in /_dash-dependencies")


# One sign-in at a time: every user signs in as the bench user, and a burst of sign-ins to one account is
# refused by the store's throttle (more than five counted at once), as it would be for a password guesser.
SIGNING_IN = threading.Lock()


def user(
    base: str,
    router: dict,
    stop: float,
    latencies: list,
    errors: list,
    seed: int,
    signed_in: threading.Semaphore | None = None,
) -> None:
    """One user until ``stop``: ``latencies`` gets (when the request started, seconds it took); ``signed_in``
    is released once the user is signed in (or failed to)."""
    import requests

    rng = random.Random(seed)
    web = requests.Session()
    with SIGNING_IN:
        form = web.get(base + "/login", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        signed = web.post(
            base + "/login",
            data={"csrf_token": token, "username": BENCH_USER, "password": BENCH_PASSWORD, "next": "/"},
            timeout=30,
        )
    if signed_in is not None:
        signed_in.release()
    if signed.status_code != 200 or "/login" in signed.url:
        errors.append(f"sign-in failed: {signed.status_code}")
        return
    headers = {"X-CSRFToken": web.cookies.get("_csrf_token", "")}
    outputs = [
        {"id": o.split(".")[0], "property": o.split(".")[1]} for o in router["output"].strip(".").split("...")
    ]
    while time.monotonic() < stop:
        path, search = rng.choice(PAGES)
        values = {"pathname": path, "search": search, "hash": ""}
        body = {
            "output": router["output"],
            "outputs": outputs,
            "inputs": [
                {"id": i["id"], "property": i["property"], "value": values.get(i["property"])}
                for i in router["inputs"]
            ],
            "state": [{"id": s["id"], "property": s["property"]} for s in router.get("state", [])],
            "changedPropIds": [f"{router['inputs'][0]['id']}.pathname"],
        }
        for method, url, kwargs in (
            ("GET", "/_dash-layout", {}),
            ("POST", "/_dash-update-component", {"json": body, "headers": headers}),
        ):
            started = time.monotonic()
            try:
                response = web.request(method, base + url, timeout=30, **kwargs)
                elapsed = time.monotonic() - started
                if response.status_code != 200:
                    errors.append(f"{method} {url} {path}{search}: HTTP {response.status_code}")
                latencies.append((started, elapsed))
            except Exception as exc:  # noqa: BLE001 — every failure is an error of the run
                errors.append(f"{method} {url}: {type(exc).__name__}")
        time.sleep(rng.uniform(0.5, 1.5))


def environment(settings) -> dict:
    return dict(
        os.environ,
        CTMONITOR_DATABASE_URL=settings.database_url,
        CTMONITOR_DATA_DIR=str(settings.data_dir),
        CTMONITOR_SECRET_KEY="bench-secret",
        CTMONITOR_SECURE_COOKIES="0",
    )


class Import:
    """``ctmonitor import`` of a workbook in a process of its own, started ``delay`` seconds after every user
    has signed in: the users are browsing when it starts. (Signing in writes a session, which on SQLite waits
    for the import's transaction to commit.)"""

    def __init__(self, settings, workbook: Path, delay: float):
        self.command = [
            sys.executable,
            "-m",
            "app",
            "import",
            str(workbook),
            "--programme",
            "KEC",
            "--user",
            "bench",
        ]
        self.env, self.delay = environment(settings), delay
        self.started = self.ended = None
        self.returncode, self.output = None, ""
        self.signed_in = threading.Semaphore(0)
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        for _ in range(USERS):
            self.signed_in.acquire()
        time.sleep(self.delay)
        self.started = time.monotonic()
        done = subprocess.run(
            self.command, cwd=str(REPO), env=self.env, capture_output=True, text=True, check=False
        )
        self.ended = time.monotonic()
        self.returncode, self.output = done.returncode, (done.stdout + done.stderr)[-2000:]


def load(settings, seconds: float, during: Import | None = None) -> tuple[list, list]:
    """Serve the store with ``--workers``, warm the workers, then ``USERS`` users for ``seconds`` (and
    ``during`` started with them): every request's (start, seconds), and the errors."""
    import requests

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(WORKERS)],
        cwd=str(REPO),
        env=environment(settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    latencies: list[tuple[float, float]] = []
    errors: list[str] = []
    try:
        for _ in range(120):
            try:
                if requests.get(base + "/login", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.5)
        warm = requests.Session()
        form = warm.get(base + "/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        warm.post(
            base + "/login", data={"csrf_token": token, "username": BENCH_USER, "password": BENCH_PASSWORD}
        )
        router = router_request(warm.get(base + "/_dash-dependencies").json())
        # Warm-up, not timed: each worker draws every page once on its first request (Dash's setup).
        warmers = [
            threading.Thread(target=user, args=(base, router, time.monotonic() + 1, [], [], 100 + n))
            for n in range(3 * WORKERS)
        ]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        stop = time.monotonic() + seconds
        signed_in = during.signed_in if during is not None else None
        threads = [
            threading.Thread(target=user, args=(base, router, stop, latencies, errors, n, signed_in))
            for n in range(USERS)
        ]
        if during is not None:
            during.thread.start()
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        for thread in threads:
            thread.join()
        if during is not None:
            during.thread.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:  # workers holding keep-alive connections
            server.kill()
            server.wait(timeout=15)
    return latencies, errors


def copy_of(settings, folder: Path):
    """Settings of a copy of the store in ``folder`` (SQLite's backup: a consistent copy; in PostgreSQL a
    database made from the store's as its template), to import into."""
    from dataclasses import replace

    from indicators.store.settings import Settings

    if settings.database_url.startswith("postgresql"):
        url = copy_url(settings.database_url, "import")
        recreate(url, template=make_url(settings.database_url).database)
        return replace(settings, database_url=url, data_dir=folder, upload_dir=folder / "uploads")
    target = folder / "big.sqlite"
    source = sqlite3.connect(settings.database_url.split("///", 1)[-1])
    copy = sqlite3.connect(target)
    with copy:
        source.backup(copy)
    source.close(), copy.close()
    return Settings.for_tests(folder, database_url=f"sqlite:///{target}")


def report(label: str, latencies: list, errors: list, extra: str = "", ok: bool = True) -> bool:
    if not latencies:
        print(f"{label}: no request completed:", errors[:5])
        return False
    median, p95 = median_p95([elapsed for _, elapsed in latencies])
    for error in errors[:5]:
        print("   ", error)
    return line(
        label,
        f"{len(latencies):,} requests, {len(errors)} errors; median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms (< 1000){extra}",
        ok and not errors and p95 < 1.0,
    )


def main() -> int:
    from benchmarks.bench_import import workbook
    from indicators.store.db import Store

    settings = bench_store()
    store = Store(settings)
    ensure_user(store)
    store.dispose()
    latencies, errors = load(settings, SECONDS)
    ok = report(
        f"e) {USERS} users × {SECONDS} s, serve --workers {WORKERS} ({database_name()})", latencies, errors
    )

    path = workbook(IMPORT_ROWS)
    folder = Path(tempfile.mkdtemp(prefix="ctm-bench-serve-", dir=CACHE))
    try:
        copy = copy_of(settings, folder)
        importing = Import(copy, path, IMPORT_AFTER)
        latencies, errors = load(copy, SECONDS, importing)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if settings.database_url.startswith("postgresql"):
            drop(copy_url(settings.database_url, "import"))
    if importing.returncode != 0:
        errors.append(f"the import failed ({importing.returncode}): {importing.output}")
    took = (importing.ended or 0) - (importing.started or 0)
    while_importing = [
        (s, e) for s, e in latencies if importing.started and importing.started <= s <= importing.ended
    ]
    during = median_p95([e for _, e in while_importing])[1] if while_importing else float("inf")
    ok &= report(
        f"e) the same while importing {IMPORT_ROWS:,} trainings ({database_name()})",
        latencies,
        errors,
        f"; import {took:.1f} s, {len(while_importing):,} requests during it, p95 {during * 1000:.0f} ms "
        "(< 1000)",
        during < 1.0,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
