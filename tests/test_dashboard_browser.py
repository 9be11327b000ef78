"""The dashboard in a real browser: ``graduasi-dashboard`` served, driven in headless Chromium.

Chromium is Debian's ``chromium`` package (``make test`` installs it when missing), driven by
Playwright's Python package through ``executable_path``, so no browser is downloaded. Without
Chromium the test fails, unless ``GRADUASI_SKIP_BROWSER=1`` says to skip it. ``GRADUASI_CHROMIUM``
names another Chromium executable. The last screenshot is kept as
``outputs/test-artifacts/dashboard.png``.
"""

from __future__ import annotations

import io
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "outputs" / "test-artifacts"
SKIP = "GRADUASI_SKIP_BROWSER"
TIMEOUT_MS = 120_000  # generous: two cores shared with the rest of the suite
PANELS = ("Scenario comparison (same seed)", "Poverty headcount", "Graduations and relapses",
          "Spending by programme", "Households by graduation state")  # fmt: skip


@pytest.fixture(scope="module")
def chromium() -> str:
    """The Chromium executable; a clear failure (or a skip asked for) when there is none."""
    path = os.environ.get("GRADUASI_CHROMIUM") or shutil.which("chromium")
    path = path or shutil.which("chromium-browser")
    if path:
        return path
    message = (
        "no Chromium found: install Debian's chromium (apt-get install chromium; `make test` "
        f"does it) or set GRADUASI_CHROMIUM; {SKIP}=1 skips this test"
    )
    if os.environ.get(SKIP) == "1":
        pytest.skip(message)
    pytest.fail(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command(port: int) -> list[str]:
    """The installed ``graduasi-dashboard`` command (beside this Python), on ``port``."""
    script = Path(sys.executable).with_name("graduasi-dashboard")
    assert script.exists(), f"{script} is missing: install the package (make install)"
    return [str(script), "--port", str(port)]


def _wait_until_served(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the dashboard server exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"the dashboard server did not answer at {url}:\n{log.read_text()}")


@pytest.fixture(scope="module")
def dashboard_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Start ``graduasi-dashboard`` on a free port; stop it (and its children) afterwards."""
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(_command(port), cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_served(url, server, log)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=15)


def _colours(png: bytes) -> tuple[int, float]:
    """Distinct colours of an image, and the share of its pixels that are not white."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    counts = image.getcolors(maxcolors=1 << 24) or []
    white = sum(n for n, colour in counts if colour == (255, 255, 255))
    return len(counts), 1 - white / (image.width * image.height)


def _shot(locator) -> bytes:  # type: ignore[no-untyped-def]
    """A screenshot of ``locator``'s element, again if solara replaced the element meanwhile."""
    from playwright.sync_api import Error

    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while True:
        try:
            return bytes(locator.screenshot(timeout=10_000))
        except Error as err:  # detached by a re-render, or not yet stable
            if time.monotonic() > deadline:
                raise AssertionError(f"no screenshot of {locator}") from err
            time.sleep(0.25)


def test_dashboard_renders_runs_and_responds_in_chromium(chromium: str, dashboard_url: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=TIMEOUT_MS)  # assertions wait as long as actions
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1500})
            page.set_default_timeout(TIMEOUT_MS)
            try:
                _drive(page, expect, dashboard_url)
            finally:
                page.screenshot(path=ARTIFACTS / "dashboard.png", full_page=True)
        finally:
            browser.close()


def _plot(page, title: str):  # type: ignore[no-untyped-def]
    return page.locator(".v-card").filter(has_text=title).locator("img")


def _drive(page, expect, url: str) -> None:  # type: ignore[no-untyped-def]
    """Load the page, check its panels, move a control, reset, step, and see a plot change."""
    page.goto(url)
    expect(page.get_by_text("Month 0 of 60")).to_be_visible()
    for text in (*PANELS, "Model Parameters", "Aid level (× bansos budgets)", "Scenario"):
        expect(page.get_by_text(text, exact=True).first).to_be_visible()
    for title in PANELS[1:]:  # the plots: drawn, and not blank
        plot = _plot(page, title)
        expect(plot).to_have_count(1)
        expect(plot).to_have_js_property("complete", True)
        colours, inked = _colours(_shot(plot))
        # a blank image has one colour; axes, labels and a legend many (data: checked below)
        assert colours >= 5 and inked > 0.02, (title, colours, inked)
    before = _shot(_plot(page, "Poverty headcount"))

    # one key press, one value sent: several quick presses race with the server's re-renders
    aid = page.get_by_role("slider", name="Aid level (× bansos budgets)")
    aid.focus()
    aid.press("End")
    expect(aid).to_have_attribute("aria-valuenow", "2")
    page.get_by_role("button", name="Reset").click()
    expect(page.get_by_text("aid level ×2,", exact=False)).to_be_visible()

    for month in (1, 2, 3):
        page.get_by_role("button", name="Step").click()
        expect(page.get_by_text(f"Month {month} of 60")).to_be_visible()
    headcount = _plot(page, "Poverty headcount")
    expect(headcount).to_have_js_property("complete", True)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while _shot(headcount) == before:  # the new image replaces the old one
        assert time.monotonic() < deadline, "the headcount plot did not change after 3 steps"
        page.wait_for_timeout(250)
    poverty = page.locator("tr").filter(has_text="Poverty (%)").first
    expect(poverty).not_to_contain_text("–")
