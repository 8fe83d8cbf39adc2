"""`python -m bench.pages`: how long each dashboard page takes as a person sees it, in Debian's
chromium on the demo warehouse (`make run`'s data): each page's first render after a click in
the navigation, and filter changes on the Overview, three rounds, medians; and the first sign-in
after `streamlit run` on a new server, at once and after a person's typing time. The Streamlit
server's CPU seconds are read from /proc beside the wall seconds (the machines are shared).

Target (issue 17): every page and filter change under 2 s on a quiet machine.
"""

from __future__ import annotations

import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PAGES = [
    ("overview", "总览"),
    ("dimensions", "维度分析"),
    ("pareto", "帕累托"),
    ("causes", "原因分析"),
    ("voice", "客户声音"),
    ("competitors", "竞品对比"),
    ("actions", "整改跟踪"),
    ("report", "报告"),
    ("upload", "数据上传"),
    ("settings", "设置"),
    ("admin", "用户与审计"),
]
ROUNDS = 3
TYPING = 4  # seconds a person spends typing a name and a password


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_done(page, since: float | None = None, timeout: float = 120, drawn: bool = True) -> float:
    """Seconds from `since` (default: now) until the script stopped running and the browser
    had drawn everything (no skeleton left: on a new page Streamlit loads each kind of element's
    code, plotly's among them, on first use), and both stayed so for 0.3 s (a click's rerun may
    start a moment after the click). Until 2026-12-03 the skeletons were not waited for: the
    first Overview after sign-in showed them for 0.2-2 s more. `drawn` false: the script only."""
    busy = "[data-test-script-state='running']" + (", [data-testid='stSkeleton']" if drawn else "")
    since = time.perf_counter() if since is None else since
    page.wait_for_timeout(50)
    stable_since = None
    while time.perf_counter() - since < timeout:
        running = page.locator(busy).count() > 0
        now = time.perf_counter()
        if running:
            stable_since = None
        elif stable_since is None:
            stable_since = now
        elif now - stable_since >= 0.3:
            return stable_since - since
        page.wait_for_timeout(25)
    raise TimeoutError("the page did not finish")


def measure(page, pid: int, action) -> tuple[float, float]:
    """(wall seconds from the click until the page has finished, server CPU seconds meanwhile)."""
    cpu = cpu_seconds(pid)
    start = time.perf_counter()
    action()
    wall = wait_done(page, since=start)
    return wall, cpu_seconds(pid) - cpu


@contextmanager
def serve(db: Path):
    """A Streamlit server of the dashboard on `db`, on a free port: (url, pid)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, env={**os.environ, "MANYI_DB": str(db)},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}", server.pid
    finally:
        server.terminate()
        server.wait(timeout=30)


def sign_in(page, url: str, pid: int, typing: float) -> tuple[float, float]:
    """Open the login page of a server nobody has used yet, spend `typing` seconds on it (as a
    person typing a name and a password), sign in: the time until the Overview has finished."""
    for _ in range(600):
        try:
            page.goto(url + "/")
            break
        except Exception:  # the server is still starting
            time.sleep(0.2)
    page.wait_for_selector("[data-testid='stSidebar']", timeout=120_000)
    # The form is there once the script has finished; the hidden elements the login page
    # preloads (auth._preload_elements) may still be drawing, as when a person starts typing.
    wait_done(page, drawn=False)
    page.get_by_role("textbox", name="用户名").wait_for()
    page.wait_for_timeout(typing * 1000)
    page.get_by_role("textbox", name="用户名").fill("demo-admin")
    page.get_by_role("textbox", name="密码").fill("demo")
    return measure(page, pid, lambda: page.get_by_role("button", name="登录").click())


def main() -> int:
    from playwright.sync_api import sync_playwright

    from pipelines.demo import build_demo

    work = Path(tempfile.mkdtemp(prefix="manyi-pages-"))
    db = work / "demo.duckdb"
    build_demo(db, log=lambda message: None)
    times: dict[str, list[tuple[float, float]]] = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            # The first sign-in after `streamlit run`, each on a new server: at once, and after
            # the seconds a person takes to type (the warm-up runs meanwhile).
            for _ in range(ROUNDS):
                with serve(db) as (url, pid):
                    page = browser.new_page(viewport={"width": 1500, "height": 1100})
                    times.setdefault("login at once → overview", []).append(sign_in(page, url, pid, 0))
                    page.close()
            with serve(db) as (url, pid):
                page = browser.new_page(viewport={"width": 1500, "height": 1100})
                times.setdefault(f"login after {TYPING:g} s typing → overview", []).append(
                    sign_in(page, url, pid, TYPING)
                )
                for _ in range(ROUNDS):
                    for slug, name in PAGES:
                        link = page.get_by_role("link", name=name, exact=True)
                        times.setdefault(f"page {slug}", []).append(measure(page, pid, link.click))
                    page.get_by_role("link", name="总览", exact=True).click()
                    wait_done(page)
                    for label, grain in (("quarter", "季度"), ("month", "月")):
                        button = page.locator("[data-testid='stSidebar'] button").filter(has_text=grain).first
                        times.setdefault(f"overview grain → {label}", []).append(
                            measure(page, pid, button.click)
                        )
                    for compare in ("去年同期", "上期"):
                        button = page.locator("[data-testid='stMain'] button").filter(has_text=compare).first
                        times.setdefault(f"overview compare → {compare}", []).append(
                            measure(page, pid, button.click)
                        )
            browser.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        "# Page timings in chromium (demo warehouse)",
        "",
        f"{platform.node()} · {os.cpu_count()} cores · {ROUNDS} rounds · `python -m bench.pages`",
        "",
        "| what | median wall s | median server CPU s | max wall s | under 2 s |",
        "|---|---:|---:|---:|---|",
    ]
    for what, found in times.items():
        walls = [w for w, _ in found]
        cpus = [c for _, c in found]
        median = statistics.median(walls)
        lines.append(
            f"| {what} | {median:.2f} | {statistics.median(cpus):.2f} | {max(walls):.2f} | "
            f"{'yes' if median < 2 else 'no'} |"
        )
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
