"""End to end in a real browser: upload a survey file on the Upload page, see the Overview change.

Debian's chromium, driven by Playwright; screenshots of every page, in Chinese and English, go
to tests/artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

from warehouse import open_warehouse
from warehouse.lake import data_dir

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "tests" / "artifacts"
PAGES = {
    "overview": ("总览", "Overview"),
    "dimensions": ("维度分析", "Dimensions"),
    "pareto": ("帕累托", "Pareto"),
    "causes": ("原因分析", "Cause analysis"),
    "voice": ("客户声音", "Voice of customer"),
    "competitors": ("竞品对比", "Competitors"),
    "actions": ("整改跟踪", "Actions"),
    "complaints": ("投诉受理", "Complaint desk"),
    "upload": ("数据上传", "Upload"),
    "settings": ("设置", "Settings"),
}

if not Path(CHROMIUM).exists():
    if os.environ.get("MANYI_REQUIRE_BROWSER"):
        raise RuntimeError("chromium is required for the browser test: run `make browser-deps`")
    pytest.skip("Debian chromium is not installed (make browser-deps)", allow_module_level=True)

playwright = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _copy_demo(demo_db, tmp_path) -> Path:
    db = tmp_path / "wh" / "demo.duckdb"
    db.parent.mkdir()
    shutil.copy(demo_db, db)
    shutil.copytree(data_dir(demo_db), data_dir(db))
    return db


@contextlib.contextmanager
def serving(db: Path, port: int | None = None, *options: str, log: list | None = None):
    """`streamlit run serve.py` (as `make run`) on the warehouse `db` (127.0.0.1); yields its URL."""
    port = port or _free_port()
    env = {**os.environ, "MANYI_DB": str(db)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *options,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).read() == b"ok":
                break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        raise RuntimeError(proc.stdout.read().decode(errors="replace")[-3000:])
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        if log is not None:
            log.append(proc.stdout.read().decode(errors="replace"))


@pytest.fixture
def server(demo_db, tmp_path):
    db = _copy_demo(demo_db, tmp_path)
    with serving(db) as url:
        yield url, db


@pytest.fixture
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def settle(page, timeout: float = 60) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_selector("[data-testid='stSidebar']", timeout=timeout * 1000)
    time.sleep(0.7)  # a rerun triggered by the last action has started by now
    # Finished = not running for a whole second: a run may start another (st.rerun, a deep
    # link handed to the router), later than usual on a busy machine.
    deadline = time.monotonic() + timeout
    quiet_since = None
    while True:
        running = page.locator("[data-test-script-state='running']").count() > 0
        idle = page.locator("[data-test-script-state='notRunning']").count() > 0 and not running
        now = time.monotonic()
        quiet_since = (quiet_since or now) if idle else None
        if quiet_since is not None and now - quiet_since >= 1.0:
            break
        if now > deadline:
            page.screenshot(path=str(ARTIFACTS / "timeout.png"), full_page=True)
            raise playwright.TimeoutError("the script did not finish")
        time.sleep(0.1)
    time.sleep(0.5)  # charts finish drawing
    errors = page.locator("[data-testid='stException']").all_inner_texts()
    assert not errors, errors


def login(page, url: str | None, name: str = "demo-admin", password: str = "demo") -> None:
    """Sign in on the login page (every URL shows it before login); url None: the page shown."""
    if url is not None:
        page.goto(f"{url}/")
        settle(page)
    page.get_by_role("textbox", name="用户名").fill(name)
    page.get_by_role("textbox", name="密码").fill(password)
    page.get_by_role("button", name="登录").click()
    settle(page)


def pick_action(page, action_id: str) -> None:
    """Choose an action in the Actions page's picker by typing its id."""
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="查看措施")
    picker.locator("input").click()
    page.keyboard.type(action_id)
    page.keyboard.press("Enter")
    settle(page)


def csi_card(page) -> str:
    card = page.locator("[data-testid='stMetric']").filter(has_text="CSI").first
    return card.locator("[data-testid='stMetricValue']").inner_text()


def test_upload_changes_the_overview_and_screens_look_right(server, browser, tmp_path):
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    login(page, url)
    before = csi_card(page)
    period_before = page.locator(
        "[data-testid='stMain'] [data-testid='stCaptionContainer']"
    ).first.inner_text()

    # A new month of very unhappy follow-up calls, with Chinese headers and labels, GBK-encoded.
    header = "问卷编号,客户编号,调查日期,调查方式,产品性能,外观质量,交车准时,顾问专业,顾问态度,展厅舒适,总体满意,意见建议"
    rows = [
        f"NEW{i:03d},C{i % 50 + 1:03d},2026-11-{i % 20 + 1:02d},电话,非常不满意,不满意,1,1,2,2,1,交车太慢"
        for i in range(40)
    ]
    upload = tmp_path / "十一月回访.csv"
    upload.write_bytes(("\n".join([header, *rows]) + "\n").encode("gbk"))

    # (a page load would start a new session, logged out: navigate as a person does)
    page.get_by_role("link", name="数据上传").click()
    settle(page)
    # Streamlit's own drop-zone words are English; the page says them in Chinese, with the
    # limit in force (setting upload_max_mb), not Streamlit's 200 MB.
    said = page.evaluate(
        "() => getComputedStyle(document.querySelector(\"[data-testid='stFileUploaderDropzoneInstructions'] > div\"),"
        " '::after').content"
    )
    assert "把文件拖到这里" in said and "1,024 MiB" in said, said
    page.locator("input[type='file']").set_input_files(str(upload))
    settle(page)
    assert page.get_by_text("校验通过").count() == 1
    page.screenshot(path=str(ARTIFACTS / "upload_validated_zh.png"), full_page=True)
    page.get_by_role("button", name="加载").click()
    settle(page)
    assert page.get_by_text("已加载批次").count() == 1
    con = open_warehouse(db)
    try:
        loaded = con.execute("select count(*) from responses where response_id like 'NEW%'").fetchall()[0][0]
    finally:
        con.close()
    assert loaded == 40

    page.get_by_role("link", name="总览").click()
    settle(page)
    after = csi_card(page)
    assert after != before
    assert float(after) < 40  # the new month is the current period: all dissatisfied
    assert (
        page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
        != period_before
    )
    assert (
        "2026-11-01"
        in page.locator("[data-testid='stMain'] [data-testid='stCaptionContainer']").first.inner_text()
    )

    # Within one session (a reload would start a new one, in Chinese), through the sidebar.
    for lang in ("zh", "en"):
        if lang == "en":
            page.get_by_text("English").first.click()
            settle(page)
            assert page.get_by_role("link", name="Overview").count() == 1
        for name, titles in PAGES.items():
            page.get_by_role("link", name=titles[0 if lang == "zh" else 1]).click()
            settle(page)
            page.screenshot(path=str(ARTIFACTS / f"{name}_{lang}.png"), full_page=True)


def test_an_action_from_a_pareto_bar_is_approved_done_and_shows_its_verdict(server, browser):
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    login(page, url, "demo-engineer")
    page.get_by_role("link", name="帕累托").click()
    settle(page)
    # The first (largest) bar of the item Pareto: its drill-down offers the action.
    chart = page.locator("[data-testid='stPlotlyChart']").first
    bar = chart.locator("g.trace.bars g.point path").first.bounding_box()
    # Plotly's drag layer takes the pointer, as for a person: click where the bar is drawn.
    page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] * 0.8)
    settle(page)
    page.get_by_role("button", name="创建整改措施").first.click()
    settle(page)
    assert page.get_by_role("heading", name="新建整改措施").count() == 1
    page.screenshot(path=str(ARTIFACTS / "action_form_zh.png"), full_page=True)
    for name, value in (("责任部门", "计划部"), ("负责人", "王强")):
        box = page.get_by_role("textbox", name=name).first
        box.fill(value)
        box.press("Tab")
        settle(page)
    page.get_by_role("button", name="保存").first.click()
    settle(page)
    con = open_warehouse(db)
    try:
        action_id, source, item = con.execute(
            "select action_id, source, item_id from v_actions where changed_by = 'demo-engineer'"
        ).fetchone()
    finally:
        con.close()
    assert source == "item" and item
    assert page.get_by_role("button", name="批准").count() == 0  # engineers do not approve

    # The manager approves it; the engineer marks it done.
    for name, step in (("demo-manager", "批准"), ("demo-engineer", "完成")):
        page.get_by_role("button", name="退出登录").click()
        settle(page)
        login(page, url, name)
        page.get_by_role("link", name="整改跟踪").click()
        settle(page)
        pick_action(page, action_id)
        page.get_by_role("button", name=step).click()
        settle(page)
    page.screenshot(path=str(ARTIFACTS / "action_done_zh.png"), full_page=True)
    con = open_warehouse(db)
    try:
        status, approved_by, versions = con.execute(
            "select status, approved_by, versions from v_actions where action_id = ?", [action_id]
        ).fetchone()
        verdict = con.execute(
            "select verdict from v_action_effect where action_id = ?", [action_id]
        ).fetchone()[0]
    finally:
        con.close()
    assert (status, approved_by, versions) == ("done", "demo-manager", 3)
    assert verdict == "pending"  # done today: the follow-up month has no responses yet
    assert page.get_by_text("验证结论: 待验证").count() >= 1


# The sidebar links each role sees: every analysis page, then the data pages of its role.
_READ = [
    "总览",
    "维度分析",
    "帕累托",
    "原因分析",
    "客户声音",
    "竞品对比",
    "整改跟踪",
    "投诉受理",
    "预警",
    "报告",
]
_CALLS = [*_READ[:8], "回访工作台", "预警", "报告"]  # the call desk: agents, planners and admins
ROLE_PAGES = {
    "manager": _CALLS,
    "engineer": _READ,
    "analyst": [*_CALLS, "数据上传"],
    "admin": [*_CALLS, "数据上传", "设置", "用户与审计"],
    "agent": _CALLS,
    "department": _READ,
}


def nav_links(page) -> list[str]:
    # Each link's text is its icon's ligature name, then its title. A sign-in through the
    # identity provider may still be navigating (its redirect back): read again once it settled.
    for _ in range(3):
        try:
            texts = page.locator("[data-testid='stSidebarNav'] a").all_inner_texts()
        except playwright.Error as exc:
            if "Execution context was destroyed" not in str(exc):
                raise
            page.wait_for_load_state()
            settle(page)
            continue
        return [t.strip().splitlines()[-1] for t in texts]
    raise AssertionError("the page kept navigating")


def test_each_role_sees_its_pages_and_anonymous_visits_see_nothing(server, browser):
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.goto(f"{url}/overview")
    settle(page)
    assert page.get_by_role("heading", name="登录 Manyi 满意度平台").count() == 1
    # no metric shown (the login page's only one is hidden and empty: auth._preload_elements)
    assert page.locator("[data-testid='stMetric']:visible").count() == 0 and nav_links(page) == []
    page.screenshot(path=str(ARTIFACTS / "login_zh.png"), full_page=True)
    login(page, None, "demo-manager", "not-the-password")
    # the answer may come after settle() on a busy server (the warm-up runs at start)
    page.get_by_text("用户名或密码错误").wait_for(timeout=60_000)
    assert page.get_by_text("用户名或密码错误").count() == 1
    assert page.locator("[data-testid='stMetric']").count() == 0
    con = open_warehouse(db)
    try:
        failed = con.execute(
            "select count(*) from v_audit where event = 'login_failed' and user_name = 'demo-manager'"
        ).fetchone()[0]
    finally:
        con.close()
    assert failed == 1
    for role, links in ROLE_PAGES.items():
        login(page, url, f"demo-{role}")
        assert nav_links(page) == links
        page.get_by_role("link", name="原因分析").click()
        settle(page)
        hidden = page.get_by_text("仅对质量工程师").count()
        assert (hidden > 0) == (role in ("manager", "agent", "department"))  # no single responses
        page.screenshot(path=str(ARTIFACTS / f"causes_{role}_zh.png"), full_page=True)
        page.get_by_role("button", name="退出登录").click()
        settle(page)
    # A page the role may not open, reached by its URL, says so and shows nothing else.
    page.goto(f"{url}/upload")
    settle(page)
    login(page, None, "demo-manager")
    assert page.get_by_text("您的角色无权查看此内容").count() == 1
    assert page.locator("input[type='file']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "not_permitted_zh.png"), full_page=True)


def test_a_region_limited_engineer_downloads_only_their_customers(server, browser):
    """A user limited to 华东 sees only that region in the filter, the complaint list and its
    download; the download is an audit event with the user's name."""
    url, db = server
    from warehouse import users

    con = open_warehouse(db)
    try:
        users.add(con, "east-engineer", "engineer", "pw-east", ["华东"], by="test")
        east = {
            r[0]
            for r in con.execute("select customer_id from stg_customers where region = '华东'").fetchall()
        }
    finally:
        con.close()
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    login(page, url, "east-engineer", "pw-east")
    page.get_by_role("link", name="原因分析").click()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "causes_region_limited_zh.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 CSV").first.click()
    settle(page)
    download = info.value
    assert download.suggested_filename == "complaints.csv"
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = [line.split(",") for line in text.splitlines()]
    column = rows[0].index(next(h for h in rows[0] if "客户" in h or h == "customer_id"))
    customers = {r[column] for r in rows[1:]}
    assert customers and customers <= east, customers - east
    con = open_warehouse(db)
    try:
        detail = con.execute(
            "select detail from v_audit where event = 'download' and user_name = 'east-engineer'"
        ).fetchall()
    finally:
        con.close()
    assert len(detail) == 1 and '"complaints.csv"' in detail[0][0]


def test_single_sign_on_maps_the_email_to_a_user(demo_db, tmp_path, browser):
    """With an `[auth]` section, the login page offers st.login: the mock provider's e-mail
    signs in as the user with that e-mail (role and pages of that user); an e-mail without a
    user is refused and audited; logging out ends the provider's session too."""
    from oidc_mock import MockProvider

    from warehouse import users

    db = _copy_demo(demo_db, tmp_path)
    con = open_warehouse(db)
    try:
        users.add(con, "li.engineer", "engineer", "pw-unused", email="li@example.com", by="test")
    finally:
        con.close()
    port = _free_port()
    with MockProvider() as provider:
        secrets_file = tmp_path / "secrets.toml"
        secrets_file.write_text(provider.secrets_toml(f"http://127.0.0.1:{port}"), encoding="utf-8")
        with serving(db, port, "--secrets.files", str(secrets_file)) as url:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            provider.email = "li@example.com"
            page.goto(f"{url}/")
            settle(page)
            page.screenshot(path=str(ARTIFACTS / "login_sso_zh.png"), full_page=True)
            page.get_by_role("button", name="使用单位账号登录（单点登录）").click()
            settle(page)
            assert page.get_by_text("已登录：li.engineer（质量工程师）").count() == 1
            assert nav_links(page) == ROLE_PAGES["engineer"]
            assert "/token" in provider.requests
            page.get_by_role("button", name="退出登录").click()
            settle(page)
            assert page.get_by_role("button", name="使用单位账号登录（单点登录）").count() == 1
            # An e-mail that no user has is refused, with what to do, and shows no data.
            provider.email = "stranger@example.com"
            page.get_by_role("button", name="使用单位账号登录（单点登录）").click()
            settle(page)
            assert page.get_by_text("stranger@example.com").count() == 1
            assert page.locator("[data-testid='stMetric']:visible").count() == 0 and nav_links(page) == []
            page.screenshot(path=str(ARTIFACTS / "login_sso_unknown_zh.png"), full_page=True)
    con = open_warehouse(db)
    try:
        events = con.execute(
            "select event, user_name, detail from v_audit where user_name in ('li.engineer', "
            "'sso:stranger@example.com') order by \"at\""
        ).fetchall()
    finally:
        con.close()
    assert [(e[0], e[1]) for e in events] == [
        ("login", "li.engineer"),
        ("logout", "li.engineer"),
        ("login_failed", "sso:stranger@example.com"),
    ]


def test_a_manager_downloads_the_monthly_report_pdf(server, browser):
    """The Report page makes the PDF of the sidebar's filters; the file is a real PDF naming
    the period, and its first page looks right (tests/artifacts/report_page_*.png)."""
    url, _ = server
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    login(page, url, "demo-manager")
    page.get_by_role("link", name="报告").click()
    settle(page)
    page.get_by_role("button", name="生成报告 (PDF)").click()
    settle(page, timeout=120)
    page.screenshot(path=str(ARTIFACTS / "report_page_zh.png"), full_page=True)
    with page.expect_download() as info:
        page.get_by_role("button", name="下载 PDF 报告").click()
    download = info.value
    assert download.suggested_filename.startswith("dealer-sales_") and download.suggested_filename.endswith(
        ".pdf"
    )
    pdf = ARTIFACTS / "report_from_page.pdf"
    download.save_as(str(pdf))
    period = download.suggested_filename.split("_")[1]
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "满意度调查报告" in text and period in text
        subprocess.run(
            ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "2", str(pdf), str(ARTIFACTS / "report_pdf")]
        )


def test_a_click_on_a_word_of_dissatisfaction_lists_its_comments_beside_the_chart(server, browser):
    """Voice of customer: the keyword Pareto's first bar lists the comments using that word right
    of the chart, with approximate sentiment; the word becomes a company topic in two clicks."""
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    login(page, url, "demo-engineer")
    page.get_by_role("link", name="客户声音").click()
    settle(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    assert charts.count() == 4  # topics, trend, topic x dimension, words
    words = charts.nth(3)
    words.scroll_into_view_if_needed()
    # Horizontal bars, the best-scoring word on top (the last point of the trace).
    bar = words.locator("g.trace.bars g.point path").last.bounding_box()
    page.mouse.click(bar["x"] + bar["width"] * 0.6, bar["y"] + bar["height"] / 2)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "voice_term_drill_zh.png"), full_page=True)
    heading = page.locator("[data-testid='stMain'] [data-testid='stMarkdownContainer']").filter(
        has_text="z = "
    )
    term = heading.first.inner_text().split(" · ")[0].strip()
    assert term
    # The list is beside the chart, not under the page: its top is within the chart's height.
    table = page.locator("[data-testid='stDataFrame']").nth(1)
    chart_box, table_box = words.bounding_box(), table.bounding_box()
    assert table_box["x"] > chart_box["x"] + chart_box["width"] * 0.9
    assert table_box["y"] < chart_box["y"] + chart_box["height"]
    page.screenshot(path=str(ARTIFACTS / "voice_term_drill_zh.png"), full_page=True)
    page.get_by_role("button", name="设为话题").click()
    page.get_by_role("button", name="保存为公司话题").click()
    settle(page)
    assert page.get_by_text("已保存").count() == 1
    con = open_warehouse(db)
    try:
        saved = con.execute(
            "select label, keywords from topics where owner = '*' and label = ?", [term]
        ).fetchall()
    finally:
        con.close()
    assert saved == [(term, [term])]


def test_a_copied_link_opens_the_same_page_language_and_filters(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    page.goto(
        f"{url}/dimensions?lang=en&grain=quarter&from=2025-01-01&to=2025-06-30&region=%E5%8D%8E%E5%8D%97"
    )
    settle(page)
    page.get_by_role("textbox", name="User name").fill("demo-analyst")
    page.get_by_role("textbox", name="Password").fill("demo")
    page.get_by_role("button", name="Sign in").click()
    settle(page)
    assert page.get_by_role("heading", name="Dimensions and items").count() == 1
    inputs = page.locator("[data-testid='stSidebar'] [data-testid='stDateInput'] input")
    dates = " ".join(inputs.nth(i).input_value() for i in range(inputs.count()))
    assert "2025-01-01" in dates and "2025-06-30" in dates, dates
    page.screenshot(path=str(ARTIFACTS / "link_dimensions_en.png"), full_page=True)
    region = page.locator("[data-testid='stSidebar'] [data-testid='stMultiSelect']").filter(has_text="Region")
    assert "华南" in region.inner_text(), region.inner_text()
    assert "region=%E5%8D%8E%E5%8D%97" in page.url
    assert "lang=en" in page.url and "grain=quarter" in page.url and "from=2025-01-01" in page.url
    page.screenshot(path=str(ARTIFACTS / "link_dimensions_en.png"), full_page=True)
    # Another page keeps the view, and the URL says so
    page.get_by_role("link", name="Pareto").click()
    settle(page)
    assert "/pareto" in page.url and "region=" in page.url and "to=2025-06-30" in page.url


def test_a_pareto_drill_down_opens_beside_its_chart_and_follows_the_newest_click(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    login(page, url, "demo-engineer")
    page.get_by_role("link", name="帕累托").click()
    settle(page)
    charts = page.locator("[data-testid='stPlotlyChart']")
    items_chart, causes_chart = charts.nth(0), charts.nth(1)

    def click_first_bar(chart) -> None:
        chart.scroll_into_view_if_needed()
        bar = chart.locator("g.trace.bars g.point path").first.bounding_box()
        page.mouse.click(bar["x"] + bar["width"] / 2, bar["y"] + bar["height"] * 0.8)
        settle(page)

    click_first_bar(items_chart)
    drill = page.get_by_text("不满意明细：").first
    chart_box, drill_box = items_chart.bounding_box(), drill.bounding_box()
    # beside the chart: to its right, and within its height (not 1,200 px below)
    assert drill_box["x"] > chart_box["x"] + chart_box["width"] * 0.9
    assert chart_box["y"] - 10 <= drill_box["y"] <= chart_box["y"] + chart_box["height"]
    table = page.locator("[data-testid='stDataFrame']").first
    assert table.bounding_box()["x"] > chart_box["x"] + chart_box["width"] * 0.9
    page.screenshot(path=str(ARTIFACTS / "pareto_item_drill_zh.png"), full_page=True)
    # The comment is the list's first column
    header = table.locator("[role='columnheader']").first.inner_text()
    assert header.strip() == "意见", header
    # What an engineer reads comes first, in a list half the page wide (ids scroll on the right)
    headers = [h.strip() for h in table.locator("[role='columnheader']").all_inner_texts()]
    assert headers[:4] == ["意见", "评价", "回访日期", "客户"], headers
    assert table.bounding_box()["width"] >= 0.9 * chart_box["width"]

    click_first_bar(causes_chart)
    assert page.get_by_text("投诉明细：").count() == 1
    assert page.get_by_text("不满意明细：").count() == 0  # the first click's list is closed
    page.screenshot(path=str(ARTIFACTS / "pareto_cause_drill_zh.png"), full_page=True)


def test_ten_people_clicking_sign_in_at_the_same_moment_are_all_signed_in(server, browser):
    """Each sign-in writes an audit event; at the same moment they met the catalog's lock
    and 5 of 10 saw 'database is locked' on the login page before those writes were retried."""
    url, db = server
    names = ["demo-manager", "demo-engineer", "demo-analyst", "demo-admin"]
    contexts = [browser.new_context(viewport={"width": 1200, "height": 800}) for _ in range(10)]
    pages = [context.new_page() for context in contexts]
    for page in pages:
        page.goto(f"{url}/")
        page.get_by_role("button", name="登录").wait_for(timeout=60_000)
    for n, page in enumerate(pages):
        page.get_by_role("textbox", name="用户名").fill(names[n % len(names)])
        page.get_by_role("textbox", name="密码").fill("demo")
    for page in pages:  # as close together as one driver can click
        page.get_by_role("button", name="登录").click(no_wait_after=True)
    for page in pages:
        settle(page, timeout=120)
        assert page.get_by_role("button", name="退出登录").count() == 1
        assert page.get_by_text("database is locked").count() == 0
    con = open_warehouse(db)
    try:
        signed_in = con.execute("select count(*) from v_audit where event = 'login'").fetchone()[0]
    finally:
        con.close()
    assert signed_in == 10
    for context in contexts:
        context.close()


def test_the_server_hides_its_metrics_and_error_details(server):
    url, _ = server
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{url}/_stcore/metrics", timeout=10)
    assert refused.value.code == 404
    assert urllib.request.urlopen(f"{url}/_stcore/health", timeout=10).read() == b"ok"
    import tomllib

    served = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert served["client"]["showErrorDetails"] == "none"  # no traceback reaches a user


def test_every_download_clicked_in_turn_gives_its_file_and_one_audit_event(server, browser):
    """Clicked one after another, downloads failed one in five ("Deferred file … not found"):
    each click reran the page, which dropped the file the browser was about to fetch."""
    url, db = server
    page = browser.new_page(viewport={"width": 1500, "height": 1000}, accept_downloads=True)
    login(page, url, "demo-engineer")
    page.get_by_role("link", name="原因分析").click()
    settle(page)
    buttons = page.locator("[data-testid='stDownloadButton'] button")
    clicks = 0
    for round_ in range(3):
        for n in range(buttons.count()):
            with page.expect_download(timeout=60_000) as info:
                buttons.nth(n).click()
            assert Path(info.value.path()).stat().st_size > 0, (round_, n)
            clicks += 1
    assert clicks >= 6
    con = open_warehouse(db)
    try:
        events = con.execute(
            "select count(*) from v_audit where event = 'download' and user_name = 'demo-engineer'"
        ).fetchone()[0]
    finally:
        con.close()
    assert events == clicks


def test_a_sign_in_survives_a_reload_a_typed_url_and_a_new_tab_until_sign_out(server, browser):
    url, db = server
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    login(page, url, "demo-analyst")
    cookie = next(c for c in context.cookies() if c["name"] == "manyi_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "demo-analyst" not in cookie["value"]  # the name is encoded and signed, not plain
    page.reload()
    settle(page)
    assert page.get_by_role("button", name="退出登录").count() == 1
    page.goto(f"{url}/upload")  # a typed URL
    settle(page)
    assert page.locator("input[type='file']").count() == 1
    tab = context.new_page()
    tab.goto(f"{url}/admin")  # a page the role may not open, by its URL, in a new tab
    settle(tab)
    assert tab.get_by_text("您的角色无权查看此内容").count() == 1
    tab.close()
    page.get_by_role("button", name="退出登录").click()
    settle(page)
    page.reload()
    settle(page)
    assert page.get_by_role("heading", name="登录 Manyi 满意度平台").count() == 1
    # A forged or stale cookie signs nobody in.
    context.add_cookies([{**cookie, "value": cookie["value"][:-4] + "0000"}])
    page.goto(f"{url}/")
    settle(page)
    assert page.get_by_role("button", name="退出登录").count() == 0
    # Disabling the user ends the sessions of every browser it signed in.
    login(page, url, "demo-analyst")
    other = browser.new_context()
    other_page = other.new_page()
    login(other_page, url, "demo-analyst")
    con = open_warehouse(db)
    try:
        from warehouse import users

        users.change(con, "demo-analyst", by="test", disabled=True)
    finally:
        con.close()
    other_page.reload()
    settle(other_page)
    assert other_page.get_by_role("button", name="退出登录").count() == 0
    other.close()
    context.close()


def test_the_server_log_has_no_warning_of_the_dashboards_own_threads(demo_db, tmp_path, browser):
    """The warm-up and the copy run cached queries outside a session on purpose: some twenty
    'missing ScriptRunContext' warnings filled the log at every start."""
    db = _copy_demo(demo_db, tmp_path)
    log: list[str] = []
    with serving(db, log=log) as url:
        page = browser.new_page()
        login(page, url, "demo-manager")
        page.close()
    assert "Thread 'manyi-" not in log[0] and "missing ScriptRunContext" not in log[0], log[0][-2000:]


def test_the_analysis_filters_hide_on_pages_they_do_not_apply_to_and_keep_their_values(server, browser):
    url, _ = server
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    login(page, url, "demo-admin")
    filters = page.locator(".st-key-filters")
    filters.wait_for(state="visible", timeout=60_000)  # the Overview after sign-in, drawn
    assert filters.is_visible()
    filters.locator("button").filter(has_text="季度").first.click()  # the grain: quarter
    settle(page)
    for name in ("数据上传", "设置", "用户与审计"):
        page.get_by_role("link", name=name).click()
        settle(page)
        assert not filters.is_visible(), name
    page.get_by_role("link", name="总览").click()
    settle(page)
    assert filters.is_visible()
    assert "grain=quarter" in page.url, page.url  # the shared link carries the kept grain


def _step(page, name: str, fill: dict | None = None, choose: tuple[str, str] | None = None) -> None:
    """Press a case's step, fill its form and save; the page says it was saved."""
    page.get_by_role("radiogroup", name="下一步").get_by_role("radio", name=name, exact=True).click()
    settle(page)
    form = page.locator("[data-testid='stForm']").last  # the step's form, under the board's filters
    for label, value in (fill or {}).items():
        form.get_by_role("textbox", name=label, exact=True).fill(value)
    if choose:
        form.get_by_role("combobox", name=choose[0], exact=True).click()
        page.get_by_role("option", name=choose[1], exact=True).click()
    form.get_by_role("button", name="保存", exact=True).click()
    settle(page)
    assert page.get_by_text(f"已保存：{name}").count() == 1, name


def test_a_complaint_from_registration_to_closure_by_agent_engineer_department(server, browser):
    """CONTRACT §10 on screen: the agent registers, the engineer assigns and answers, the
    quality department verifies, plans and resolves, the engineer informs the customer, takes
    the answer and closes; every step is a version by its user."""
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1500, "height": 1300})
    login(page, url, "demo-agent")
    page.get_by_role("link", name="投诉受理").click()
    settle(page)
    page.get_by_text("登记新投诉").click()
    page.get_by_label("原因", exact=True).fill("刹车异响")
    page.get_by_label("责任部门", exact=True).fill("质量部")
    page.get_by_label("描述", exact=True).fill("刹车时有异响，客户电话 13912345678")
    page.get_by_role("button", name="登记", exact=True).click()
    settle(page)
    said = page.get_by_text("已登记，投诉编号").inner_text()
    cid = said.split("投诉编号")[1].strip(" 。")
    assert cid.startswith("TS-")
    page.screenshot(path=str(ARTIFACTS / "complaint_registered_zh.png"), full_page=True)
    for who, steps in (
        ("demo-engineer", [("分派", {"处理人": "demo-department"}, None), ("首次答复", None, None)]),
        ("demo-department", [("核实", None, ("核实结论", "属实")), ("处理方案", {"处理方案": "更换刹车片"}, None), ("解决", None, None)]),
        ("demo-engineer", [("告知客户", None, None), ("客户确认", None, ("客户确认", "接受")), ("关闭", None, None)]),
    ):  # fmt: skip
        page.get_by_role("button", name="退出登录").click()
        settle(page)
        page.goto(f"{url}/complaints?case={cid}")  # the link an alert or e-mail carries
        settle(page)
        login(page, None, who)
        assert page.get_by_role("heading", name=cid).count() == 1, who
        for name, fill, choose in steps:
            _step(page, name, fill, choose)
    page.screenshot(path=str(ARTIFACTS / "complaint_closed_zh.png"), full_page=True)
    con = open_warehouse(db)
    try:
        found = con.execute(
            "select status, versions, handler, is_valid, customer_accepted from v_complaint_cases "
            "where complaint_id = ?",
            [cid],
        ).fetchone()
        writers = con.execute(
            "select change_note, changed_by from complaints_all_versions where complaint_id = ? order by loaded_at",
            [cid],
        ).fetchall()
    finally:
        con.close()
    assert found == ("closed", 9, "demo-department", "valid", "yes")
    assert writers == [
        ("register", "demo-agent"), ("assign", "demo-engineer"), ("respond", "demo-engineer"),
        ("verify", "demo-department"), ("plan", "demo-department"), ("resolve", "demo-department"),
        ("inform", "demo-engineer"), ("accept", "demo-engineer"), ("close", "demo-engineer"),
    ]  # fmt: skip


def _take_call(page, call: str) -> None:
    """Take a call in hand by typing its number into the desk's picker."""
    picker = page.locator("[data-testid='stSelectbox']").filter(has_text="开始回访")
    picker.locator("input").click()
    page.keyboard.type(call)
    page.keyboard.press("Enter")
    settle(page)


def test_an_agent_takes_three_calls_on_the_desk(server, browser):
    """CONTRACT §9 on screen: the agent takes three calls in turn: completed with answers,
    unreached with a callback time, refused; each is one attempt, the completed one a response."""
    url, db = server
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    con = open_warehouse(db)
    try:
        taken = [
            r[0]
            for r in con.execute(
                "select call_id from v_call_plan where status = 'open' and attempts = 0 and assigned_to = 'demo-agent' "
                "and questionnaire_id = 'dealer-sales' order by call_id limit 3"
            ).fetchall()
        ]
    finally:
        con.close()
    page = browser.new_page(viewport={"width": 1500, "height": 1400})
    login(page, url, "demo-agent")
    page.get_by_role("link", name="回访工作台").click()
    settle(page)
    first, second, third = taken
    _take_call(page, first)
    assert page.get_by_text("电话: 1").count() == 1  # the number, unmasked while the call is open
    for question in ("您对所购车辆的产品性能满意吗？", "总体来说，您对这次购车经历满意吗？"):
        page.get_by_role("radiogroup", name=question).get_by_text("非常满意", exact=True).click()
    page.get_by_label("客户意见").fill("交车顺利，顾问很专业")
    page.screenshot(path=str(ARTIFACTS / "call_desk_zh.png"), full_page=True)
    page.get_by_role("button", name="完成", exact=True).click()
    settle(page)
    assert page.get_by_text(f"已记录：{first}").count() == 1
    _take_call(page, second)
    for part, value in (("year", "2026"), ("month", "12"), ("day", "10")):
        page.get_by_role("spinbutton", name=f"{part}, 预约回拨时间（未接通时）").click()
        page.keyboard.type(value)
    page.get_by_role("button", name="未接通", exact=True).click()
    settle(page)
    assert page.get_by_text(f"已记录：{second}").count() == 1
    _take_call(page, third)
    page.get_by_role("button", name="拒访", exact=True).click()
    settle(page)
    assert page.get_by_text(f"已记录：{third}").count() == 1
    page.screenshot(path=str(ARTIFACTS / "call_desk_done_zh.png"), full_page=True)
    page.goto(f"{url}/calls?lang=en&call={taken[1]}")
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "call_desk_en.png"), full_page=True)
    assert page.get_by_text("Take a call").count() >= 1
    con = open_warehouse(db)
    try:
        states = con.execute(
            "select call_id, status, attempts, callback_at::date::varchar from v_call_plan "
            "where call_id in (select unnest(?::varchar[])) order by call_id",
            [taken],
        ).fetchall()
        response = con.execute("select comment from stg_responses where response_id = ?", [first]).fetchone()
        shown = con.execute("select count(*) from v_audit where event = 'call'").fetchone()[0]
    finally:
        con.close()
    assert sorted(states) == sorted(
        [(first, "completed", 1, None), (second, "open", 1, "2026-12-10"), (third, "refused", 1, None)]
    )
    assert response == ("交车顺利，顾问很专业",) and shown >= 3
