"""The HTTP client and URL sources against a local server on 127.0.0.1 (never the internet)."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.transforms.test_sources import PAGE, RSS, read
from transforms.limits import Limits
from transforms.sources.config import Source
from transforms.sources.http import HttpClient, HttpSettings
from transforms.sources.read import ReadContext

FAST = HttpSettings(timeout=0.5, retries=2, backoff=0.01, host_delay=0.0, concurrency=4)


class Server:
    """Routes: path -> list of (status, headers, body, delay) served in turn (the last one repeats)."""

    def __init__(self):
        self.routes: dict[str, list] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                replies = server.routes.get(self.path) or [(404, {}, b"not here", 0)]
                status, headers, body, delay = replies.pop(0) if len(replies) > 1 else replies[0]
                if headers.get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
                    status, body = 304, b""
                if headers.get("Last-Modified") and self.headers.get("If-Modified-Since") == headers["Last-Modified"]:
                    status, body = 304, b""
                time.sleep(delay)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path, *replies):
        self.routes[path] = [(r + (0,))[:4] if len(r) == 3 else r for r in replies]


@pytest.fixture
def server():
    served = Server()
    served.thread.start()
    yield served
    served.httpd.shutdown()
    served.httpd.server_close()


@pytest.fixture
def http():
    with HttpClient(FAST) as client:
        yield client


def test_user_agent_and_redirects(server, http):
    server.route("/old", (301, {"Location": "/new"}, b""))
    server.route("/new", (200, {"Content-Type": "text/plain"}, b"here"))
    result = http.get(f"{server.url}/old")
    assert (result.status, result.body, result.error) == (200, b"here", None)
    assert result.final_url == f"{server.url}/new"
    assert all(headers["User-Agent"].startswith("newsetl/") for _, headers in server.requests)


def test_404_is_an_error_without_retries(server, http):
    result = http.get(f"{server.url}/missing")
    assert result.error == "HTTP 404 Not Found"
    assert len(server.requests) == 1


def test_500_then_success_on_retry(server, http):
    server.route("/flaky", (500, {}, b"oops"), (200, {}, b"ok"))
    result = http.get(f"{server.url}/flaky")
    assert (result.status, result.body, result.error) == (200, b"ok", None)
    assert len(server.requests) == 2


def test_500_every_time_gives_up_after_the_retries(server, http):
    server.route("/down", (503, {}, b"down"))
    result = http.get(f"{server.url}/down")
    assert result.error == "HTTP 503 Service Unavailable (after 3 attempts)"
    assert len(server.requests) == 3


def test_slow_response_hits_the_timeout(server):
    server.route("/slow", (200, {}, b"late", 2.0))
    with HttpClient(HttpSettings(timeout=0.3, retries=0, host_delay=0)) as client:
        started = time.monotonic()
        result = client.get(f"{server.url}/slow")
    assert result.error == "timed out after 0.3 s"
    assert time.monotonic() - started < 1.5


def test_politeness_delay_between_requests_to_one_host(server):
    server.route("/a", (200, {}, b"a"))
    with HttpClient(HttpSettings(host_delay=0.3, concurrency=4)) as client:
        started = time.monotonic()
        results = client.get_many([f"{server.url}/a"] * 3)
    assert [r.body for r in results] == [b"a"] * 3
    assert time.monotonic() - started >= 0.6  # three requests to one host: two delays


def test_url_source_with_etag_gets_304_the_second_time(server, http):
    feed = RSS.format(encoding="utf-8").encode()
    server.route("/rss", (200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, feed))
    source = Source("feed", f"{server.url}/rss")
    first = ReadContext(http=http)
    raws, rejected = read(source, context=first, http=http)
    assert [r["title"] for r in raws] == ["Снегопад в Петербурге"] and len(rejected) == 1
    second = ReadContext(known={(e.source, e.key): e for e in first.updates}, http=http)
    assert read(source, context=second, http=http) == ([], [])
    assert server.requests[-1][1]["If-None-Match"] == '"v1"'
    assert second.updates == []


def test_last_modified_is_sent_back_and_a_full_read_asks_unconditionally(server, http):
    page = PAGE.format(charset="utf-8").encode()
    stamp = "Thu, 15 Jan 2026 07:00:00 GMT"
    server.route("/page", (200, {"Content-Type": "text/html", "Last-Modified": stamp}, page))
    source = Source("site", f"{server.url}/page")
    first = ReadContext(http=http)
    assert len(read(source, context=first, http=http)[0]) == 1
    assert read(
        source, context=ReadContext(known={(e.source, e.key): e for e in first.updates}, http=http), http=http
    ) == ([], [])
    assert server.requests[-1][1]["If-Modified-Since"] == stamp
    assert len(read(source, context=ReadContext(http=http), http=http)[0]) == 1  # --full: no state, no condition
    assert "If-Modified-Since" not in server.requests[-1][1]


def test_a_charset_from_the_http_header_decodes_the_page(server, http):
    page = PAGE.format(charset="x-unknown").encode("koi8-r")
    server.route("/page", (200, {"Content-Type": "text/html; charset=koi8-r"}, page))
    raws, rejected = read(Source("site", f"{server.url}/page"), context=ReadContext(http=http), http=http)
    assert rejected == [] and raws[0]["title"] == "В Казани открыли станцию метро"
    assert raws[0]["source"] == "site"


def test_url_errors_are_quarantined_with_the_reason(server, http):
    server.route("/broken", (500, {}, b""))
    raws, rejected = read(f"{server.url}/missing", f"{server.url}/broken", context=ReadContext(http=http), http=http)
    assert raws == []
    assert [r["reason"] for r in rejected] == [
        f"{server.url}/missing: HTTP 404 Not Found",
        f"{server.url}/broken: HTTP 500 Internal Server Error (after 3 attempts)",
    ]


def test_feed_items_link_to_pages_whose_full_text_wins(server, http):
    items = "".join(
        f"<item><guid>{n}</guid><link>{server.url}/news/{n}</link><title>Заголовок {n}</title>"
        f"<pubDate>Thu, 15 Jan 2026 07:00:00 GMT</pubDate><description>Короткий анонс {n}.</description></item>"
        for n in (1, 2, 3)
    )
    feed = f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Агентство</title>{items}</channel></rss>'
    server.route("/rss", (200, {"Content-Type": "application/rss+xml"}, feed.encode()))
    server.route("/news/1", (200, {"Content-Type": "text/html; charset=utf-8"}, PAGE.format(charset="utf-8").encode()))
    server.route(
        "/news/2",
        (500, {}, b""),
        (200, {"Content-Type": "text/html"}, PAGE.format(charset="windows-1251").encode("cp1251")),
    )
    source = Source("agency", f"{server.url}/rss", follow_links=True)
    raws, rejected = read(source, context=ReadContext(http=http), http=http)
    assert [(r["record_key"].rsplit("#", 1)[1], r["title"], r["published_raw"]) for r in raws] == [
        ("1", "Заголовок 1", "2026-01-15T07:00:00+00:00"),
        ("2", "Заголовок 2", "2026-01-15T07:00:00+00:00"),
    ]
    assert all("Ильсур Метшин" in r["raw_text"] and "анонс" not in r["raw_text"] for r in raws)
    assert [r["reason"] for r in rejected] == [f"{source.location}#3: page {server.url}/news/3: HTTP 404 Not Found"]


def test_a_body_is_read_no_further_than_max_bytes_even_when_the_server_gzips_it(server):
    import gzip

    page = PAGE.format(charset="utf-8").encode()
    bomb = gzip.compress(bytes(64 << 20))  # 64 KiB on the wire, 64 MiB once decoded
    server.route("/page", (200, {"Content-Type": "text/html"}, page))
    server.route("/bomb", (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb))
    server.route(
        "/bomb.gz", (200, {"Content-Type": "application/gzip"}, bomb)
    )  # gzip as content: inflated by the reader
    with HttpClient(FAST, max_bytes=len(page)) as client:
        assert client.get(f"{server.url}/page").body == page
        over = client.get(f"{server.url}/bomb")
        assert (
            over.error
            == f"the response is over max_file_bytes ({len(page):,} bytes once decompressed); reading stopped there"
        )
        assert over.body == b"" and len(server.requests) == 2  # not retried
    with HttpClient(FAST, max_bytes=1 << 20) as client:  # 64 KiB of gzip as content pass; the reader inflates it
        context = ReadContext(http=client, limits=Limits(max_file_bytes=1 << 20))
        raws, rejected = read(f"{server.url}/bomb.gz", context=context, http=client)
    assert raws == [] and [r["reason"] for r in rejected] == [
        f"{server.url}/bomb.gz: the file is over max_file_bytes (1,048,576 bytes once decompressed); reading stopped there"
    ]
