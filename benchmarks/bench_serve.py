"""e) 20 concurrent users for 60 s against ``ctmonitor serve --workers 3`` on the million-record store.

Each user signs in through the form, then opens pages one after another as a browser does after the
first load (the shell's layout, then the page router callback that draws the page), pausing 0.5–1.5 s
between pages. The workers are warmed first (each draws every page once on its first request).
Goal: no errors, p95 < 1 s.
"""

from __future__ import annotations

import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from benchmarks._bigstore import big_store
from benchmarks._report import line, median_p95
from benchmarks._serving import BENCH_PASSWORD, BENCH_USER, ensure_user

USERS, SECONDS, WORKERS = 20, 60, 3
PAGES = [("/", ""), ("/programme", "?code=KEC&period=FY2019Q3"), ("/programme", "?code=PVR"),
         ("/indicator", "?code=KEC-4.2&period=FY2019Q3"), ("/indicator", "?code=PVR-3.1"),
         ("/reports", "?programme=KEC&period=FY2019Q3"), ("/upload", ""), ("/victims", "")]
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


def user(base: str, router: dict, stop: float, latencies: list, errors: list, seed: int) -> None:
    import requests

    rng = random.Random(seed)
    web = requests.Session()
    form = web.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    signed = web.post(base + "/login", data={"csrf_token": token, "username": BENCH_USER,
                                             "password": BENCH_PASSWORD, "next": "/"}, timeout=30)
    if signed.status_code != 200 or "/login" in signed.url:
        errors.append(f"sign-in failed: {signed.status_code}")
        return
    headers = {"X-CSRFToken": web.cookies.get("_csrf_token", "")}
    outputs = [{"id": o.split(".")[0], "property": o.split(".")[1]}
               for o in router["output"].strip(".").split("...")]
    while time.monotonic() < stop:
        path, search = rng.choice(PAGES)
        values = {"pathname": path, "search": search, "hash": ""}
        body = {"output": router["output"], "outputs": outputs,
                "inputs": [{"id": i["id"], "property": i["property"], "value": values.get(i["property"])}
                           for i in router["inputs"]],
                "state": [{"id": s["id"], "property": s["property"]} for s in router.get("state", [])],
                "changedPropIds": [f"{router['inputs'][0]['id']}.pathname"]}
        for method, url, kwargs in (("GET", "/_dash-layout", {}),
                                    ("POST", "/_dash-update-component", {"json": body, "headers": headers})):
            started = time.perf_counter()
            try:
                response = web.request(method, base + url, timeout=30, **kwargs)
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    errors.append(f"{method} {url} {path}{search}: HTTP {response.status_code}")
                latencies.append(elapsed)
            except Exception as exc:  # noqa: BLE001 — every failure is an error of the run
                errors.append(f"{method} {url}: {type(exc).__name__}")
        time.sleep(rng.uniform(0.5, 1.5))


def main() -> int:
    import requests

    from indicators.db import Store

    settings = big_store()
    store = Store(settings)
    ensure_user(store)
    store.dispose()
    port = free_port()
    env = dict(os.environ, CTMONITOR_DATABASE_URL=settings.database_url, CTMONITOR_DATA_DIR=str(settings.data_dir),
               CTMONITOR_SECRET_KEY="bench-secret", CTMONITOR_SECURE_COOKIES="0")
    server = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), "--workers",
                               str(WORKERS)], cwd=str(REPO), env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
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
        warm.post(base + "/login", data={"csrf_token": token, "username": BENCH_USER, "password": BENCH_PASSWORD})
        router = router_request(warm.get(base + "/_dash-dependencies").json())
        # Warm-up, not timed: each worker draws every page once on its first request (Dash's setup).
        warmers = [threading.Thread(target=user, args=(base, router, time.monotonic() + 1, [], [], 100 + n))
                   for n in range(3 * WORKERS)]
        for thread in warmers:
            thread.start()
        for thread in warmers:
            thread.join()
        latencies: list[float] = []
        errors: list[str] = []
        stop = time.monotonic() + SECONDS
        threads = [threading.Thread(target=user, args=(base, router, stop, latencies, errors, n))
                   for n in range(USERS)]
        for thread in threads:
            thread.start()
            time.sleep(0.05)
        for thread in threads:
            thread.join()
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:  # workers holding keep-alive connections
            server.kill()
            server.wait(timeout=15)
    if not latencies:
        print("e) no request completed:", errors[:5])
        return 1
    median, p95 = median_p95(latencies)
    for error in errors[:5]:
        print("   ", error)
    ok = line(f"e) {USERS} users × {SECONDS} s, serve --workers {WORKERS}",
              f"{len(latencies):,} requests, {len(errors)} errors; median {median * 1000:.0f} ms, "
              f"p95 {p95 * 1000:.0f} ms (< 1000)", not errors and p95 < 1.0)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
