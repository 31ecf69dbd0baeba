"""The report and the Data Docs open in headless Chromium with every request to another host blocked.

Each page must ask nothing of the network (a blocked request fails the test), log no error, and come out
styled (computed styles that only the inlined or vendored stylesheets give) and drawn (charts, tables).
Screenshots are saved in the test's temp dir.
"""

import os
from pathlib import Path

import pytest

from flows import html_report

from .test_ui_browser import CHROMIUM, headless_chromium

pytestmark = pytest.mark.browser

LOCAL = ("file:", "data:", "blob:", "about:")


@pytest.fixture
def offline_page(tmp_path):
    """A Chromium page whose requests to anything but local files are blocked (and recorded) and whose errors are recorded."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it with apt-get")
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    blocked, errors = [], []

    def route(route):
        if route.request.url.startswith(LOCAL):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with (
        sync_playwright() as playwright,
        headless_chromium(playwright, tmp_path / "chromium-profile", {"width": 1300, "height": 900}) as browser,
    ):
        browser.route("**/*", route)
        page = browser.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
        yield page, blocked, errors


def style(page, selector: str, prop: str, pseudo: str | None = None) -> str:
    return page.evaluate(
        "([selector, prop, pseudo]) => getComputedStyle(document.querySelector(selector), pseudo).getPropertyValue(prop)",
        [selector, prop, pseudo],
    )


def test_the_report_opens_from_disk_styled_with_every_chart_drawn(offline_page, small_warehouse, tmp_path):
    page, blocked, errors = offline_page
    db_path, _ = small_warehouse
    written = html_report.write(db_path, tmp_path / "report.html")
    page.goto(Path(written["path"]).as_uri())
    charts = page.locator(".chart")
    assert charts.count() >= 5
    page.wait_for_function(
        "() => [...document.querySelectorAll('.chart')].every(chart => chart.querySelector('svg .mark-rect, svg .mark-line, svg .mark-area, svg .mark-symbol'))",
        timeout=60_000,
    )
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert blocked == [] and errors == []
    assert style(page, "header", "background-color") == "rgb(36, 87, 166)"  # the report's own stylesheet
    assert style(page, ".number", "border-top-left-radius") == "8px"
    # hover: a point of the entities chart shows its values
    page.locator("#chart-2-0 svg .mark-symbol path").first.hover(force=True)
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=10_000)
    assert "articles" in tooltip.inner_text()
    assert blocked == [] and errors == []
    assert (tmp_path / "report.png").stat().st_size > 0


def test_the_data_docs_open_from_disk_styled_with_their_tables(offline_page, data_docs_site, tmp_path):
    page, blocked, errors = offline_page
    page.goto((data_docs_site / "index.html").as_uri())
    rows = page.locator("table").first.locator("tbody tr")  # the validation results (the suites' table is the second)
    rows.first.wait_for(timeout=30_000)
    assert rows.count() == 3  # a result per suite: articles, mentions, entities
    page.screenshot(path=str(tmp_path / "data-docs-index.png"), full_page=True)
    assert "apple-system" in style(page, "body", "font-family")  # Bootstrap's, not the browser's default
    assert style(page, "nav.navbar", "display") == "flex"
    assert "Font Awesome" in style(page, "i.fas", "font-family", "::before")
    assert page.evaluate("document.fonts.check('900 16px \"Font Awesome 6 Free\"')")
    assert page.locator("img[alt='Great Expectations']").evaluate("img => img.complete && img.naturalWidth > 0")
    # a row opens its result's page, styled too
    rows.filter(has_text="articles").first.click()
    page.wait_for_url("**/validations/articles/**", timeout=30_000)
    page.get_by_text("Expectation Validation Result").first.wait_for(timeout=30_000)
    page.screenshot(path=str(tmp_path / "data-docs-result.png"), full_page=True)
    assert style(page, "nav.navbar", "display") == "flex"
    assert blocked == [] and errors == []
