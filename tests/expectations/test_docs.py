"""The Data Docs as built: every page loads its assets from the site's own folder, and nothing names the context."""

import re
from pathlib import Path

import pytest
import yaml

from expectations import docs

# What a page fetches when it opens: scripts, stylesheets, images.
FETCHED = re.compile(r"<(?:script|link|img)\b[^>]*?\b(?:src|href)=\"([^\"]+)\"", re.IGNORECASE | re.DOTALL)


@pytest.fixture(scope="module")
def site(data_docs_site) -> Path:
    return data_docs_site


def test_every_page_loads_its_assets_from_the_site(site):
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 7  # the index, a page per suite, a page per suite's result
    for page in pages:
        fetched = FETCHED.findall(page.read_text(encoding="utf-8"))
        assert fetched, page
        for address in fetched:
            assert "://" not in address, f"{page.relative_to(site)} fetches {address}"
            assert (page.parent / address).resolve().is_file(), f"{page.relative_to(site)}: {address} is missing"
    index = (site / "index.html").read_text(encoding="utf-8")
    for asset in (
        "bootstrap/bootstrap.min.css",
        "jquery/jquery.min.js",
        "fontawesome/css/all.min.css",
        "newsetl/tables.js",
    ):
        assert f"./static/vendor/{asset}" in index
    # Font Awesome's stylesheet finds its fonts beside it
    assert (site / "static/vendor/fontawesome/webfonts/fa-solid-900.woff2").is_file()


def test_no_page_names_the_data_context_and_usage_statistics_are_off(site):
    config = yaml.safe_load((site.parents[2] / "great_expectations.yml").read_text(encoding="utf-8"))
    assert config["analytics_enabled"] is False
    context_id = docs._context(str(site.parents[3])).variables.data_context_id
    assert context_id
    for page in site.rglob("*.html"):
        assert str(context_id) not in page.read_text(encoding="utf-8"), page


@pytest.mark.parametrize(
    ("url", "asset"),
    [
        ("https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css", "bootstrap/bootstrap.min.css"),
        ("https://stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js", "bootstrap/bootstrap.bundle.min.js"),
        ("https://code.jquery.com/jquery-3.7.1.min.js", "jquery/jquery.min.js"),
        ("https://cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css", "fontawesome/css/all.min.css"),
        ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js", "newsetl/tables.js"),
        ("https://unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css", None),
        ("https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js", None),  # in Bootstrap's bundle
        ("https://cdn.jsdelivr.net/npm/vega-embed@6", "vega/vega.js"),
        ("https://cdn.jsdelivr.net/npm/vega@5", None),  # in the Vega bundle
    ],
)
def test_each_cdn_asset_has_its_local_file_or_is_left_out(url, asset):
    assert docs.local_asset(url) == asset


def test_a_page_that_draws_a_chart_gets_the_vega_bundle_and_others_do_not():
    head = '<script src="https://cdn.jsdelivr.net/npm/vega@5"></script><script src="https://cdn.jsdelivr.net/npm/vega-embed@6"></script>'
    with_chart = docs.offline_page(head + "<script>vegaEmbed('#c', spec);</script>", "../..")
    assert with_chart.startswith('<script src="../../static/vendor/vega/vega.js"></script><script>vegaEmbed')
    assert docs.offline_page(head + "<p>no chart</p>", "..") == "<p>no chart</p>"
