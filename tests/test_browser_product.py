"""The served app in a real headless Chromium, as each role sees it: every page it may open
(and one it may not), with its table headers read from the label map (no raw column name),
no cell reading "None", no request leaving the app's own origin, three team picks in a row
that each stick, and the empty states of a store that holds only tickets.

Needs Debian's chromium (`.ci/run` installs it); skipped with that reason without it.
"""
from __future__ import annotations

import re
import shutil

import pytest

from tests.conftest import FIXTURES
from tests.test_browser import CHROMIUM, CHROMIUM_ARGS, serve

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium "
                                "(apt-get install chromium; .ci/run installs it)")
ROLE_PAGES = {
    "owner": ["", "today", "margins", "client_tiers", "qbr", "data", "settings"],
    "manager": ["", "today", "client_tiers", "qbr", "data", "settings"],
    "technician": ["", "today"],
}
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
DRAWN = """() => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  const shown = sel => [...document.querySelectorAll(sel)].filter(e => e.offsetParent !== null
      && e.getBoundingClientRect().bottom <= window.innerHeight);
  return document.querySelector('h1') !== null
    && shown('[data-testid="stSkeleton"]').length === 0
    && shown('[data-testid="stPlotlyChart"]').every(c => c.querySelector('.main-svg'))
    && shown('[data-testid="stVegaLiteChart"]').every(c => c.querySelector('svg.marks, canvas'))
    && shown('[data-testid="stDataFrame"]').every(d => d.querySelector('canvas'));
}"""


@pytest.fixture(scope="module")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                    args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def open_page(chromium, base: str, path: str, outside: list):
    page = chromium.new_page(viewport={"width": 1400, "height": 2400})
    page.on("request", lambda r: outside.append(r.url)
            if not r.url.startswith((base, "data:", "blob:", "about:")) else None)
    page.goto(f"{base}/{path}", wait_until="domcontentloaded")
    settled(page)
    return page


def settled(page) -> None:
    """Drawn, and still drawn a moment later (a page's elements can arrive after its
    title, with nothing running in between)."""
    for _ in range(2):
        page.wait_for_function(DRAWN, timeout=120_000, polling=100)
        page.wait_for_timeout(600)


def headers_and_cells(page) -> tuple[list[str], list[str]]:
    """What the tables show: the column headers and the cells (Streamlit's grid keeps an
    accessible table of them)."""
    heads = page.eval_on_selector_all("[data-testid='stDataFrame'] [role='columnheader']",
                                      "els => els.map(e => e.innerText.trim())")
    cells = page.eval_on_selector_all("[data-testid='stDataFrame'] td",
                                      "els => els.map(e => e.innerText.trim())")
    return heads, cells


@pytest.mark.parametrize("role", list(ROLE_PAGES))
def test_every_page_as_each_role_reads_like_a_product(sample_db_copy, chromium, role,
                                                      tmp_path):
    server, base = serve(sample_db_copy, role, str(tmp_path / "cache"))
    outside: list[str] = []
    try:
        for path in ROLE_PAGES[role]:
            page = open_page(chromium, base, f"{path}?week=2026-11-16", outside)
            assert page.locator("[data-testid='stException']").count() == 0, path
            heads, cells = headers_and_cells(page)
            raw = [h for h in heads if SNAKE.match(h)]
            assert not raw, f"{role} /{path}: raw column names {raw}"
            assert "None" not in cells, f"{role} /{path}: a cell reads None"
            if role == "technician":   # no page it can't open is offered, no money shown
                nav = page.inner_text("[data-testid='stSidebarNav']")
                assert "Weekly review" in nav and "Today" in nav   # app.py's navigation
                assert "Margins" not in nav and "Data" not in nav
                assert "Data page" not in page.inner_text("[data-testid='stSidebar']")
                assert "$" not in page.inner_text("[data-testid='stMain']")
            page.close()
        if role != "owner":   # a page it may not open says whose page it is
            page = open_page(chromium, base, "margins", outside)
            assert "Margins is the owner's page" in page.inner_text("body")
            assert "Page not found" not in page.inner_text("body")
            page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not outside, f"requests left the app: {sorted(set(outside))[:5]}"


def test_three_team_picks_in_a_row_each_stick(sample_db_copy, chromium, tmp_path):
    server, base = serve(sample_db_copy, "owner", str(tmp_path / "cache"))
    outside: list[str] = []
    try:
        page = open_page(chromium, base, "?week=2026-11-16", outside)
        for team in ("Infrastructure", "Service Desk", "Projects"):
            page.locator('[data-testid="stSelectbox"]:has-text("Team")').first.click()
            page.get_by_role("option", name=team, exact=True).click()
            page.wait_for_function("t => document.body.innerText.includes('· ' + t + ' ·')",
                                   arg=team, timeout=60_000)
            settled(page)                  # a lost pick used to come back on the next run
            assert f"· {team} ·" in page.inner_text("[data-testid='stMain']"), team
            assert f"team={team.replace(' ', '+')}" in page.url or \
                f"team={team.replace(' ', '%20')}" in page.url, page.url
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_store_of_tickets_only_says_what_is_missing(chromium, tmp_path):
    from loaders import store
    from loaders.importer import import_file
    from loaders.sample import start_empty

    url = f"sqlite:///{tmp_path / 'tickets.db'}"
    engine = store.connect(url)
    start_empty(engine)                      # not the sample: the person's own store
    import_file(engine, FIXTURES / "servicenow_tickets.csv")
    engine.dispose()
    server, base = serve(url, "owner", str(tmp_path / "cache"))
    outside: list[str] = []
    try:
        for path, says in (("margins", "agreements export"),
                           ("client_tiers", "time-entry export")):
            page = open_page(chromium, base, path, outside)
            body = page.inner_text("[data-testid='stMain']")
            assert says in body
            assert page.locator("[data-testid='stPlotlyChart'], "
                                "[data-testid='stVegaLiteChart']").count() == 0
            page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)


@pytest.mark.parametrize("first, title", [("today?tv=1", "Today"), ("settings", "Settings")])
def test_a_link_opened_first_on_a_restarted_server_goes_through_the_app(
        sample_db_copy, chromium, tmp_path, first, title):
    """Until a session has run app.py, Streamlit serves a link from the pages/ folder alone
    (file names in the sidebar, every page listed, no wall screen); the page switches it."""
    server, base = serve(sample_db_copy, "manager", str(tmp_path / "cache"))
    outside: list[str] = []
    try:
        page = open_page(chromium, base, first, outside)   # the server's first request
        assert page.locator("h1").first.inner_text() == title
        if first.endswith("tv=1"):   # the wall screen: no sidebar at all
            assert page.locator("[data-testid='stSidebar']").count() == 0
        else:
            nav = page.inner_text("[data-testid='stSidebarNav']")
            assert "Weekly review" in nav and "Settings" in nav, nav
            assert "Margins" not in nav and "weekly review" not in nav, nav
            assert "Signed in as manager" in page.inner_text("[data-testid='stSidebar']")
        page.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not outside, f"requests left the app: {sorted(set(outside))[:5]}"
