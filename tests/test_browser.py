"""A real headless Chromium visits every page of the served app (`streamlit run app.py` on
the sample store), fails on any error the page shows, and saves a screenshot of each page
under test-artifacts/screenshots/; then the Today page's wall-screen mode (?tv=1).

Needs Debian's chromium (`.ci/run` installs it); skipped with that reason without it.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium "
                                "(apt-get install chromium; .ci/run installs it)")
SHOTS = ROOT / "test-artifacts" / "screenshots"
# url path -> the page's title; "" is the landing page (the weekly review).
PAGES = {"": "Weekly review", "today": "Today", "margins": "Margins", "client_tiers": "Client tiers",
         "qbr": "QBR", "data": "Data", "settings": "Settings"}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, role: str, cache: str | None = None):
    """The app served on loopback on ``url``'s store as ``role``: (process, base URL)."""
    port = free_port()
    env = dict(os.environ, CADENCE_DB_URL=url, CADENCE_ROLE=role)
    if cache:
        env["CADENCE_CACHE_DIR"] = cache
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"{base}/_stcore/health", timeout=2).status == 200:
                return server, base
        except OSError:
            time.sleep(0.5)
    server.kill()
    pytest.fail("the app did not start: " + server.stdout.read().decode()[-2000:])


@pytest.fixture(scope="module")
def served_app(sample_db_copy):
    server, base = serve(sample_db_copy, "owner")
    yield base
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def browser(served_app):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("path", list(PAGES))
def test_page_renders_without_error(served_app, browser, path):
    page = browser.new_page(viewport={"width": 1400, "height": 2200})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served_app}/{path}?week=2026-11-16", wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=60_000)
    page.get_by_role("heading", name=PAGES[path]).first.wait_for(timeout=60_000)
    # Wait until Streamlit has finished running the script (no "Running..." status).
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    # Charts and tables draw after the script has run: wait until each visible one has
    # (those in a closed expander, another tab or not wholly in the window draw only when shown).
    page.wait_for_function(
        """() => {
             const shown = sel => [...document.querySelectorAll(sel)]
                 .filter(e => e.offsetParent !== null
                              && e.getBoundingClientRect().bottom <= window.innerHeight);
             return shown('[data-testid="stSkeleton"]').length === 0
               && shown('[data-testid="stPlotlyChart"]').every(c => c.querySelector('.main-svg'))
               && shown('[data-testid="stVegaLiteChart"]').every(c => c.querySelector('svg.marks, canvas'))
               && shown('[data-testid="stDataFrame"]').every(d => d.querySelector('canvas'));
           }""", timeout=60_000)
    page.wait_for_timeout(500)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path or 'weekly_review'}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0, \
        page.locator("[data-testid='stException']").first.inner_text()
    body = page.inner_text("body")
    assert "Traceback" not in body and "Error" not in page.title()
    assert not errors, errors
    page.close()


def test_today_on_the_wall_screen(served_app, browser):
    """?tv=1: no sidebar, large type, and the next team by itself after ?every seconds."""
    page = browser.new_page(viewport={"width": 1920, "height": 1080})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{served_app}/today?tv=1&every=6&at=2026-11-20T09:00",
              wait_until="domcontentloaded")
    heading = page.get_by_role("heading", name="team 1 of").first
    heading.wait_for(timeout=90_000)
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=90_000)
    page.wait_for_timeout(500)
    assert not page.locator("[data-testid='stSidebar']").is_visible()
    assert not page.locator("[data-testid='stSidebarNav']").is_visible()
    value_px = page.locator("[data-testid='stMetricValue']").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    text_px = page.locator("[data-testid='stText'] *").last.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)")
    assert value_px >= 64 and text_px >= 24, (value_px, text_px)   # read across the room
    assert "Past due" in page.inner_text("body")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "today_tv.png"))
    # the screen turns to the next team by itself
    page.get_by_role("heading", name="team 2 of").first.wait_for(timeout=30_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert not errors, errors
    page.close()
