"""Whole-page cache for anonymous readers, in the shared cache, dropped when data changes.

A page's key is its path, query string and language; the page is stored with the global
content version it was rendered under, and served only while that version is current.
Whatever changes what a page shows (an applied price sync, a finished speed test, a
workflow step, an admin save of a catalogue row) calls `pages_invalidate()`, which
replaces the version: every cached page is then stale at once, and is rendered again on
its next visit; apps name the models whose saves change pages (`pages_depend_on`). The
version is a random token rather than a counter, so an evicted version can never come
back as an old value and revive stale pages. A hit reads the
version and the page in one round trip (MGET), or nothing when this process served the
page lately (`_ProcessPages`) and read the version less than VERSION_TRUSTED_SECONDS ago:
a change made in another process reaches this one's readers within that second, a change
made in this process at once. The round trip for the version was a quarter of a cached
profile page's time in process, and kept it at 52% of /healthz in `make bench` against a
target of 60% (measured 2026-12-02).

Only anonymous GETs (and HEADs) answered 200 without cookies are cached; signed-in users,
and so staff previews, always get a fresh page. PAGE_CACHE_SECONDS = 0 turns it all off.

This module imports no app: apps and the site call it.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.translation import get_language

from .degraded import degraded, redis_breaker

VERSION_KEY = "pagecache:version"
# The version outlives any page, so a page never survives its version's eviction.
VERSION_TIMEOUT = None
CACHE_HEADER = "X-Page-Cache"
# How long a process trusts the version it last read for the pages it keeps itself.
VERSION_TRUSTED_SECONDS = 1.0

View = Callable[..., HttpResponse]


def pages_invalidate() -> None:
    """Drop every cached page: now, and again when the current transaction commits.

    Now, so the writer's own transaction (and tests, which never commit) sees fresh pages;
    after commit, because a reader may have cached the old data in between. A transaction
    that saves many rows registers the after-commit bump once.
    """
    _new_version()
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback[1] is _new_version for callback in connection.run_on_commit
    ):
        return
    transaction.on_commit(_new_version)


def _new_version() -> str:
    version = uuid.uuid4().hex
    # This process's own copies go whatever happens below.
    _process_pages.clear()
    try:
        cache.set(VERSION_KEY, version, timeout=VERSION_TIMEOUT)
    except Exception as error:  # the shared cache is away: the change itself must not fail
        redis_breaker.trip()
        degraded(
            "pagecache",
            f"could not drop cached pages ({type(error).__name__}); other processes may "
            f"serve them until they expire (PAGE_CACHE_SECONDS)",
        )
    return version


def _version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        # First use, or evicted: pages cached under the old version become unreachable.
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=VERSION_TIMEOUT)
        version = cache.get(VERSION_KEY) or _new_version()
    return str(version)


def page_key(request: HttpRequest) -> str:
    raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{get_language() or ''}"
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"pagecache:page:{digest}"


def _cacheable_request(request: HttpRequest) -> bool:
    if settings.PAGE_CACHE_SECONDS <= 0 or request.method not in {"GET", "HEAD"}:
        return False
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def _cacheable_response(response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
    )


Page = tuple[str, bytes, list[tuple[str, str]]]  # version, body, headers


class _ProcessPages:
    """The most recently served pages, kept in this process as well as in the shared
    cache: a hit then reads only the small version key from Redis, not the whole page.
    Each copy is served only while its version is current, like the shared copy, and for
    at most PAGE_CACHE_SECONDS after it reached this process."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[str, tuple[float, Page]] = OrderedDict()
        self._lock = threading.Lock()
        self._version: tuple[str, float] | None = None  # the version read, trusted until

    def version(self) -> str:
        """The content version, as read from the shared cache less than
        VERSION_TRUSTED_SECONDS ago (read again when older)."""
        trusted = self._version
        if trusted is not None and trusted[1] > time.monotonic():
            return trusted[0]
        version = _version()
        self.trust(version)
        return version

    def trust(self, version: str) -> None:
        """`version` was just read from the shared cache."""
        self._version = (version, time.monotonic() + VERSION_TRUSTED_SECONDS)

    def get(self, key: str) -> Page | None:
        with self._lock:
            kept = self._pages.get(key)
            if kept is None:
                return None
            if kept[0] <= time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return kept[1]

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._version = None

    def put(self, key: str, page: Page) -> None:
        with self._lock:
            self._pages[key] = (time.monotonic() + settings.PAGE_CACHE_SECONDS, page)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


# About 60 KB a page: a few megabytes a process at most.
_process_pages = _ProcessPages(size=100)


def _from_cache(page: Page) -> HttpResponse:
    _, content, headers = page
    response = HttpResponse(content)
    for name, value in headers:
        response[name] = value
    response[CACHE_HEADER] = "hit"
    return response


def cache_page_for_readers(view: View) -> View:
    """Serve anonymous readers the page from the shared cache while its data is unchanged."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        if redis_breaker.open:
            return _uncached(view(request, *args, **kwargs))
        key = page_key(request)
        try:
            kept = _process_pages.get(key)
            if kept is not None and kept[0] == _process_pages.version():
                return _from_cache(kept)
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY) or _version()
            _process_pages.trust(version)
            stored = found.get(key)
        except Exception as error:  # the shared cache is away: serve the page fresh
            redis_breaker.trip()
            degraded("pagecache", f"the shared cache did not answer ({type(error).__name__})")
            return _uncached(view(request, *args, **kwargs))
        if stored is not None and stored[0] == version:
            _process_pages.put(key, stored)
            return _from_cache(stored)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
        if _cacheable_response(response):
            headers = [(name, value) for name, value in response.items() if name != CACHE_HEADER]
            # Stored under the version read before rendering: a change made meanwhile
            # has replaced it, so this page is never served as current.
            page = (version, response.content, headers)
            try:
                cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
            except Exception as error:
                redis_breaker.trip()
                degraded("pagecache", f"could not store a page ({type(error).__name__})")
                return _uncached(response)
            _process_pages.put(key, page)
            response[CACHE_HEADER] = "miss"
        return response

    return wrapper


def _uncached(response: HttpResponse) -> HttpResponse:
    response[CACHE_HEADER] = "unavailable"
    return response


# Editors' and the admin's saves change pages too. Domain flows call pages_invalidate()
# themselves; these receivers are cache upkeep, not domain flow. Each app names the models
# whose rows its pages show, once, from its AppConfig.ready(): the page cache names no app,
# and the high-churn bookkeeping rows (sync runs, speed-test runs, audit entries) are
# simply never named.


def pages_depend_on(*models: type[Model]) -> None:
    """Drop every cached page when a row of one of `models` is saved or deleted, or one of
    their many-to-many relations changes (call from AppConfig.ready())."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_on_row_change, sender=model, dispatch_uid=f"pagecache-save-{label}")
        post_delete.connect(_on_row_change, sender=model, dispatch_uid=f"pagecache-del-{label}")
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through  # type: ignore[attr-defined]
            m2m_changed.connect(
                _on_m2m_change, sender=through, dispatch_uid=f"pagecache-m2m-{label}-{field.name}"
            )


_deferring = threading.local()


@contextmanager
def row_invalidation_deferred() -> Iterator[None]:
    """For a service that saves many rows and calls `pages_invalidate()` itself once it is
    done (a price sync saves thousands): the per-row receivers stand aside meanwhile, in
    this thread, instead of replacing the version once per row."""
    depth = getattr(_deferring, "depth", 0)
    _deferring.depth = depth + 1
    try:
        yield
    finally:
        _deferring.depth = depth


def _on_row_change(sender: Any, **kwargs: Any) -> None:
    """A row pages depend on changed: drop the pages, unless a service will once it is done."""
    if not getattr(_deferring, "depth", 0):
        pages_invalidate()


def _on_m2m_change(sender: Any, action: str, **kwargs: Any) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        _on_row_change(sender)
