"""Serving what editors uploaded (MEDIA_ROOT) so that no file can run script on the site.

Uploads are checked and re-encoded (`uploads.py`), but files stored before that check, or
put there by hand, may be anything. Every answer therefore says:

- `X-Content-Type-Options: nosniff`: the declared type is the type; no sniffing into HTML;
- `Content-Security-Policy: sandbox; default-src 'none'; ...`: even if a file were taken
  for a document, it runs in an opaque origin, with no script and nothing loaded;
- `Content-Disposition`: `inline` with a plain file name for the raster images the site
  shows; `attachment` (and `application/octet-stream`) for anything else, SVG included.

Django serves MEDIA_URL itself with this view when DJANGO_SERVE_MEDIA is on (the default
with DJANGO_DEBUG, and in the tests); in production the proxy serves MEDIA_ROOT at the
same path with the same headers (README, "Operations"), or hands `/media/` to this view.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe
from django.views.static import serve

RASTER_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".avif": "image/avif",
}
_PLAIN_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,150}")
MEDIA_POLICY = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"


def media_headers(response: HttpResponseBase, path: str) -> HttpResponseBase:
    """The headers every user-media answer carries (see the module's docstring)."""
    name = PurePosixPath(path).name
    # Quotes and control characters never reach the header: the name is ours (a uuid) for
    # new uploads, and anything else falls back to a fixed name.
    safe_name = name if _PLAIN_NAME.fullmatch(name) else "file"
    content_type = RASTER_TYPES.get(PurePosixPath(name).suffix.lower())
    if content_type is None:
        response["Content-Type"] = "application/octet-stream"
        response["Content-Disposition"] = f'attachment; filename="{safe_name}"'
    else:
        response["Content-Type"] = content_type
        response["Content-Disposition"] = f'inline; filename="{safe_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response


@require_safe
def serve_user_media(request: HttpRequest, path: str) -> HttpResponseBase:
    """A file under MEDIA_ROOT (404 for anything outside it), with the headers above."""
    return media_headers(serve(request, path, document_root=str(settings.MEDIA_ROOT)), path)
