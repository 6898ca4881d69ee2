"""Fetching pages and feeds over HTTP(S) with httpx, defensively.

Every hop of a redirect chain is checked before it is requested: the host must resolve only to
public addresses (unless `allow_private`), the chain must not loop or run past `max_redirects`.
The body is streamed and abandoned past `max_bytes` (a Content-Length over the cap is refused
before reading). Timeouts, connection errors, 429 and 5xx are retried with doubling back-off;
other 4xx are final. Conditional requests (ETag / Last-Modified) let a poller skip unchanged
sources. The request connects to the address that was checked (the URL's host replaced by it,
the name kept in the Host header and for TLS), so a DNS server that answers differently the
second time (DNS rebinding) cannot send the request elsewhere.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urljoin, urlsplit, urlunsplit

from recruitwatch import __version__
from recruitwatch.errors import InputError
from recruitwatch.settings import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)

USER_AGENT = (
    f"recruitwatch/{__version__} (research database of recruitment offers; polite, low volume)"
)
# A news page answers in well under this; a stalled server should not hold a batch for long.
DEFAULT_TIMEOUT = 20.0
# Enough for http->https->www->article; more is a misconfigured or hostile site.
DEFAULT_MAX_REDIRECTS = 5
# Transient failures (timeouts, 429, 5xx) get this many more tries, after 1 s, 2 s, ...
DEFAULT_RETRIES = 2
DEFAULT_BACKOFF = 1.0
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    max_redirects: int = DEFAULT_MAX_REDIRECTS
    retries: int = DEFAULT_RETRIES
    backoff: float = DEFAULT_BACKOFF
    allow_private: bool = False
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Fetched:
    """A response: `url` is the final URL after redirects; status 304 has no content."""

    url: str
    status: int
    content: bytes
    content_type: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def charset(self) -> str | None:
        for part in self.content_type.split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip('"')
        return None


class _TransientError(Exception):
    """A failure worth another try; carries the message for the last one."""


class Fetcher:
    """One HTTP client for many fetches (connections are reused); use as a context manager."""

    def __init__(self, policy: FetchPolicy | None = None) -> None:
        import httpx

        self.policy = policy or FetchPolicy()
        self._client = httpx.Client(
            follow_redirects=False,  # each hop is checked here first
            timeout=httpx.Timeout(self.policy.timeout),
            headers={"User-Agent": self.policy.user_agent},
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._client.close()

    def get(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> Fetched:
        """The response for `url`, or InputError naming the URL and saying what went wrong."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = self.policy.retries + 1
        for attempt in range(attempts):
            try:
                return self._follow(url, headers)
            except _TransientError as exc:
                if attempt + 1 == attempts:
                    tries = f" (after {attempts} tries)" if attempts > 1 else ""
                    raise InputError(f"{exc}{tries}", source=url) from exc
                delay = self.policy.backoff * 2**attempt
                logger.info("%s: %s; retrying in %.1f s", url, exc, delay)
                time.sleep(delay)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _follow(self, url: str, headers: dict[str, str]) -> Fetched:
        seen = [url]
        while True:
            address = self._check_url(url)
            fetched, location = self._request(url, headers, address)
            if location is None:
                return fetched
            try:
                target = urljoin(url, location)
            except ValueError as exc:
                raise InputError(f"redirect to an invalid URL {location!r}", source=url) from exc
            if target in seen:
                raise InputError(f"redirect loop: {' -> '.join([*seen, target])}", source=seen[0])
            if len(seen) > self.policy.max_redirects:
                raise InputError(
                    f"more than {self.policy.max_redirects} redirects (last: {target})",
                    source=seen[0],
                )
            seen.append(target)
            url = target

    def _request(
        self, url: str, headers: dict[str, str], address: _Address | None
    ) -> tuple[Fetched, str | None]:
        import httpx

        target = url
        extensions: dict[str, Any] = {}
        if address is not None:
            target, host, extensions = _pinned(url, address)
            headers = {**headers, "Host": host}
        try:
            with self._client.stream(
                "GET", target, headers=headers, extensions=extensions
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    return _empty(url, response), response.headers["location"]
                if response.status_code in _RETRY_STATUSES:
                    raise _TransientError(f"server answered {response.status_code}")
                if response.status_code == 304:
                    return _empty(url, response), None
                if response.status_code >= 400:
                    raise InputError(
                        f"server answered {response.status_code} {response.reason_phrase}",
                        source=url,
                    )
                content = self._read(url, response)
                return _fetched(url, response, content), None
        except httpx.TimeoutException as exc:
            raise _TransientError(f"timed out after {self.policy.timeout:g} s") from exc
        except httpx.TransportError as exc:
            raise _TransientError(f"cannot connect: {exc or type(exc).__name__}") from exc
        except httpx.InvalidURL as exc:
            raise InputError(f"is not a valid URL: {exc}", source=url) from exc

    def _read(self, url: str, response: httpx.Response) -> bytes:
        cap = self.policy.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > cap:
            raise InputError(
                f"response of {declared} bytes is over the {cap} byte limit; not downloaded",
                source=url,
            )
        # The read timeout is per chunk; a server trickling bytes forever meets this deadline.
        deadline = time.monotonic() + self.policy.timeout * 3
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise InputError(
                    f"response is over the {cap} byte limit; download stopped", source=url
                )
            if time.monotonic() > deadline:
                raise _TransientError(f"download took longer than {self.policy.timeout * 3:g} s")
            chunks.append(chunk)
        return b"".join(chunks)

    def _check_url(self, url: str) -> _Address | None:
        """The checked address to connect to (None with allow_private: any is allowed), or
        InputError when the URL is malformed, not http(s), or resolves to a private address."""
        try:
            parts = urlsplit(url)
            explicit_port = parts.port  # ValueError past 65535
            if parts.hostname:
                parts.hostname.encode("idna")  # UnicodeError for a host no DNS can hold
        except (ValueError, UnicodeError) as exc:
            raise InputError(f"is not a valid URL: {exc}", source=url) from exc
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InputError("only http and https URLs can be fetched", source=url)
        if self.policy.allow_private:
            return None
        port = explicit_port or (443 if parts.scheme == "https" else 80)
        addresses = _resolve(parts.hostname, port, url)
        for address in addresses:
            kind = _private_kind(address)
            if kind:
                raise InputError(
                    f"refused: {parts.hostname} resolves to {address}, a {kind} address"
                    " (pass --allow-private to fetch it anyway)",
                    source=url,
                )
        if not addresses:
            raise _TransientError(f"cannot resolve {parts.hostname}: no address")
        return addresses[0]


_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def _pinned(url: str, address: _Address) -> tuple[str, str, dict[str, Any]]:
    """`url` with its host replaced by `address`, the Host header it needs, and the TLS name
    (httpcore's `sni_hostname`), so the certificate is still checked against the name."""
    parts = urlsplit(url)
    hostname = (parts.hostname or "").encode("idna").decode("ascii")
    port = f":{parts.port}" if parts.port else ""
    literal = f"[{address}]" if address.version == 6 else str(address)
    pinned = urlunsplit(parts._replace(netloc=literal + port))
    extensions: dict[str, Any] = {"sni_hostname": hostname} if parts.scheme == "https" else {}
    return pinned, hostname + port, extensions


def _resolve(host: str, port: int, url: str) -> list[_Address]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise _TransientError(f"cannot resolve {host}: {exc.strerror}") from exc
    # Every address: a host with one public and one private address is still refused.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _private_kind(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("private", address.is_private),
        ("multicast", address.is_multicast),
        ("unspecified", address.is_unspecified),
        ("reserved", address.is_reserved),
    )
    for kind, flagged in checks:
        if flagged:
            return kind
    return None if address.is_global else "non-public"


def _empty(url: str, response: httpx.Response) -> Fetched:
    return _fetched(url, response, b"")


def _fetched(url: str, response: httpx.Response, content: bytes) -> Fetched:
    return Fetched(
        url=url,
        status=response.status_code,
        content=content,
        content_type=response.headers.get("content-type", ""),
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )
