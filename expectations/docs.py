"""Great Expectations Data Docs: the HTML pages analysts read to see what each run checked.

A file-based GX context lives in `gx_dir` (beside the warehouse, see
`Settings.gx_dir`). Each batch's validation results are stored there under the
run's name and the batch number, the suites are saved as they ran, and the
pages of what changed are rebuilt incrementally.

Offline and private: GX's page templates load Bootstrap, jQuery, Font Awesome,
bootstrap-table and Vega from public CDNs and GX's logo from its S3 bucket with
the data context's id in the query string. Each page built here is rewritten to
load them from the site's `static/vendor/` folder instead, copied from pinned
packages (XStatic-Bootstrap, XStatic-jQuery, fontawesomefree; Vega from
vl-convert-python, only for a page that draws a chart); the tables are drawn by
`static/tables.js` (bootstrap-table is in no Python package); the logo is the
site's own copy. GX's usage statistics are off in the context's configuration.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import shutil
import time
from datetime import UTC, datetime
from importlib import metadata, resources
from pathlib import Path
from urllib.parse import unquote, urlsplit

import great_expectations as gx
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)


@functools.cache
def _context(gx_dir: str):
    logging.getLogger("great_expectations").setLevel(logging.WARNING)
    Path(gx_dir).mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=gx_dir)
    if context.config.analytics_enabled is not False:
        context.enable_analytics(
            False
        )  # saved in great_expectations.yml: no usage statistics, whatever the environment
    return context


def record(
    gx_dir: str | Path, run_name: str, batch_no: int, suites: list, results: list
) -> list[ValidationResultIdentifier]:
    """Store one batch's suites (as they ran) and results; return the results' identifiers."""
    context = _context(str(gx_dir))
    run_id = RunIdentifier(run_name=run_name, run_time=datetime.now(UTC))
    identifiers = []
    for suite, result in zip(suites, results, strict=True):
        context.suites.add_or_update(suite)
        identifier = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
            run_id=run_id,
            batch_identifier=f"batch-{batch_no:05d}",
        )
        context.validation_results_store.store_validation_results(result, identifier)
        identifiers.append(identifier)
    return identifiers


def build(gx_dir: str | Path, identifiers: list) -> str:
    """Render the given results, their suites and the index page; return the index's file URL."""
    context = _context(str(gx_dir))
    suite_names = sorted({i.expectation_suite_identifier.name for i in identifiers})
    started = time.time()
    sites = context.build_data_docs(
        resource_identifiers=[*identifiers, *(ExpectationSuiteIdentifier(name=name) for name in suite_names)]
    )
    index_url = next(iter(sites.values()))
    index = Path(unquote(urlsplit(index_url).path))
    serve_offline(index.parent, [page for page in index.parent.rglob("*.html") if page.stat().st_mtime >= started - 1])
    return index_url


# ---------------------------------------------------------------- offline and private

VENDOR = Path("static", "vendor")
# External <script src> and <link href> of GX's templates; the logo's <img src> with the data context id.
EXTERNAL_SCRIPT = re.compile(r'<script\b[^>]*\bsrc="(https?://[^"]+)"[^>]*>\s*</script>', re.IGNORECASE)
EXTERNAL_LINK = re.compile(r'<link\b[^>]*\bhref="(https?://[^"]+)"[^>]*>', re.IGNORECASE)
EXTERNAL_LOGO = re.compile(r'(<img\b[^>]*\bsrc=")https?://[^"]*?/(logo-long\.png)[^"]*(")', re.IGNORECASE)
# The site's own static files, as GX's templates reach them (the favicon of a result page one folder too short).
SITE_STATIC = re.compile(r'(\b(?:src|href)=")(?:\.\.?/)*static/')
VEGA_BUNDLE = "vega/vega.js"


def _vendor_files() -> dict[str, Path]:
    """The site's `static/vendor/` files: {path under it: the pinned package's file or folder}."""
    import fontawesomefree
    from xstatic.pkg import bootstrap, jquery

    font_awesome = Path(fontawesomefree.__file__).parent / "static" / "fontawesomefree"
    return {
        "bootstrap/bootstrap.min.css": Path(bootstrap.BASE_DIR, "css", "bootstrap.min.css"),
        "bootstrap/bootstrap.bundle.min.js": Path(bootstrap.BASE_DIR, "js", "bootstrap.bundle.min.js"),  # with Popper
        "jquery/jquery.min.js": Path(jquery.BASE_DIR, "jquery.min.js"),
        "fontawesome/css/all.min.css": font_awesome / "css" / "all.min.css",
        "fontawesome/webfonts": font_awesome / "webfonts",
        "newsetl/tables.js": Path(str(resources.files("expectations").joinpath("static", "tables.js"))),
    }


def local_asset(url: str) -> str | None:
    """The file under `static/vendor/` that serves a CDN URL of GX's templates; None: the page does without it.

    Left out: Popper (in Bootstrap's bundle), Vega and Vega-Lite (in the Vega bundle vega-embed's tag
    loads), bootstrap-table's filter control and the date picker (no filters), the dark theme.
    """
    name = urlsplit(url).path.lower()
    if "bootstrap-table" in name:
        return "newsetl/tables.js" if name.endswith(".js") and "filter-control" not in name else None
    if "datepicker" in name or "bootstrap-dark" in name or "popper" in name:
        return None
    if "jquery" in name:
        return "jquery/jquery.min.js"
    if "font-awesome" in name or "fontawesome" in name:
        return "fontawesome/css/all.min.css"
    if "bootstrap" in name:
        return "bootstrap/bootstrap.min.css" if name.endswith(".css") else "bootstrap/bootstrap.bundle.min.js"
    if "vega-embed" in name:
        return VEGA_BUNDLE
    return None


def serve_offline(site: Path, pages: list[Path]) -> None:
    """Rewrite `pages` of the site to load every asset from its `static/vendor/` folder, copied there first."""
    _copy_vendor_files(site / VENDOR)
    for page in pages:
        html = offline_page(page.read_text(encoding="utf-8"), Path(os.path.relpath(site, page.parent)).as_posix())
        if VEGA_BUNDLE in html:
            _write_vega_bundle(site / VENDOR / VEGA_BUNDLE)
        page.write_text(html, encoding="utf-8")


def offline_page(html: str, to_site: str) -> str:
    """A GX page that loads its assets from the site (`to_site`: the site's folder relative to the page's)."""
    draws_charts = "vegaEmbed(" in EXTERNAL_SCRIPT.sub("", html)

    def local(match: re.Match, tag: str) -> str:
        asset = local_asset(match.group(1))
        if asset is None or (asset == VEGA_BUNDLE and not draws_charts):
            return ""
        return tag.format(href=f"{to_site}/{VENDOR.as_posix()}/{asset}")

    html = EXTERNAL_SCRIPT.sub(lambda m: local(m, '<script src="{href}"></script>'), html)
    html = EXTERNAL_LINK.sub(lambda m: local(m, '<link rel="stylesheet" href="{href}">'), html)
    html = SITE_STATIC.sub(lambda m: f"{m.group(1)}{to_site}/static/", html)
    return EXTERNAL_LOGO.sub(lambda m: f"{m.group(1)}{to_site}/static/images/{m.group(2)}{m.group(3)}", html)


def _copy_vendor_files(vendor: Path) -> None:
    """Copy the pinned packages' files into `vendor`, unless the versions there are these already."""
    versions = ", ".join(
        f"{name} {metadata.version(name)}"
        for name in ("XStatic-Bootstrap", "XStatic-jQuery", "fontawesomefree", "newsetl")
    )
    stamp = vendor / "VERSIONS"
    if stamp.exists() and stamp.read_text(encoding="utf-8") == versions:
        return
    for target, source in _vendor_files().items():
        destination = vendor / target
        destination.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, destination, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, destination)
    stamp.write_text(versions, encoding="utf-8")


def _write_vega_bundle(path: Path) -> None:
    if path.exists():
        return
    import vl_convert

    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(vl_convert.javascript_bundle(), encoding="utf-8")
