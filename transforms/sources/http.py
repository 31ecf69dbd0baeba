"""The one way newsetl talks to the network.

`HttpClient` GETs URLs with a clear User-Agent, a timeout, retries with
exponential backoff on 5xx, 429 and transport errors, redirects followed, a
politeness delay between two requests to the same host, bounded concurrency
for many pages, and conditional requests (ETag / Last-Modified → 304).
Failures never raise: they come back as an `HttpResult` with `error` set, so
one bad URL becomes one quarantine row. A body is read as it arrives and no
further than `max_bytes` once decompressed (a gzip bomb served with
`Content-Encoding: gzip` never inflates past it). Tests point it at a local server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

import httpx

from transforms.limits import DEFAULT_LIMITS

USER_AGENT = "newsetl/0.1 (news ETL; +README 'Sources')"
RETRY_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class HttpSettings:
    timeout: float = 20.0  # seconds, for connect and for each read
    retries: int = 3  # extra attempts after the first
    backoff: float = 1.0  # seconds before the first retry, doubled each time
    host_delay: float = 1.0  # seconds between two requests to the same host
    concurrency: int = 4  # pages fetched at once
    max_redirects: int = 5
    user_agent: str = USER_AGENT


@dataclass
class HttpResult:
    url: str  # as asked
    final_url: str | None = None  # after redirects
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None  # one line; set when there is no usable body

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        content_type = self.headers.get("content-type")
        if not content_type:
            return None
        message = Message()
        message["content-type"] = content_type
        return message.get_content_charset()


class ResponseTooLarge(Exception):
    """The body grew past the client's max_bytes."""


def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The (decompressed) body, chunk by chunk; ResponseTooLarge as soon as it passes `max_bytes`."""
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise ResponseTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


class HttpClient:
    def __init__(self, settings: HttpSettings | None = None, max_bytes: int = DEFAULT_LIMITS.max_file_bytes) -> None:
        self.settings = settings or HttpSettings()
        self.max_bytes = max_bytes  # the run's max_file_bytes
        self._client = httpx.Client(
            headers={"User-Agent": self.settings.user_agent},
            timeout=self.settings.timeout,
            follow_redirects=True,
            max_redirects=self.settings.max_redirects,
        )
        self._host_locks: dict[str, threading.Lock] = {}
        self._host_last: dict[str, float] = {}
        self._locks_guard = threading.Lock()

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _wait_for_host(self, url: str) -> threading.Lock:
        host = urlsplit(url).netloc
        with self._locks_guard:
            lock = self._host_locks.setdefault(host, threading.Lock())
        lock.acquire()
        # the lock is held through the request, so one host sees one request at a time
        wait = self._host_last.get(host, float("-inf")) + self.settings.host_delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        return lock

    def _release_host(self, url: str, lock: threading.Lock) -> None:
        self._host_last[urlsplit(url).netloc] = time.monotonic()
        lock.release()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> HttpResult:
        """GET one URL; conditional when `etag` or `last_modified` is given."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        result = HttpResult(url)
        for attempt in range(self.settings.retries + 1):
            if attempt:
                time.sleep(self.settings.backoff * 2 ** (attempt - 1))
            lock = self._wait_for_host(url)
            try:
                with self._client.stream("GET", url, headers=headers) as response:
                    body = _read_body(response, self.max_bytes)
            except ResponseTooLarge:
                over = f"the response is over max_file_bytes ({self.max_bytes:,} bytes once decompressed); reading stopped there"
                return HttpResult(url, final_url=str(response.url), status=response.status_code, error=over)
            except httpx.TimeoutException:
                result.error = f"timed out after {self.settings.timeout:g} s"
                continue
            except httpx.TooManyRedirects:
                return HttpResult(url, error=f"more than {self.settings.max_redirects} redirects")
            except (httpx.HTTPError, ValueError) as exc:
                result.error = f"request failed: {type(exc).__name__}: {str(exc) or 'no detail'}"
                continue
            finally:
                self._release_host(url, lock)
            result = HttpResult(
                url,
                final_url=str(response.url),
                status=response.status_code,
                body=body,
                headers={k.lower(): v for k, v in response.headers.items()},
            )
            if response.status_code in RETRY_STATUS:
                result.error = f"HTTP {response.status_code} {response.reason_phrase}"
                continue
            if response.status_code >= 400:
                result.error = f"HTTP {response.status_code} {response.reason_phrase}"
            return result
        if result.error and self.settings.retries:
            result.error += f" (after {self.settings.retries + 1} attempts)"
        return result

    def get_many(self, urls: Iterable[str]) -> list[HttpResult]:
        """GET many URLs, at most `concurrency` at once; results in the order of `urls`."""
        urls = list(urls)
        if not urls:
            return []
        with ThreadPoolExecutor(max_workers=min(self.settings.concurrency, len(urls))) as pool:
            return list(pool.map(self.get, urls))
