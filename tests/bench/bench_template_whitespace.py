"""Template whitespace benchmark: what the indentation-stripping template loader saves,
with and without response compression.

Renders the demo's o4-mini profile page and its leaderboard with the project's loader
(tokonomix.core.template_loaders: indentation dropped when a template is loaded) and with
Django's plain file-system loader, and prints for each: bytes as rendered, bytes after
gzip (level 6, what a proxy or GZipMiddleware would send) and the median render time of
30 renders. The loader stays while it saves more than MIN_GZIPPED_SAVING of the gzipped
bytes or of the render time; otherwise compression alone does the job.

Run from the repository root: python tests/bench/bench_template_whitespace.py
(make bench runs it). Builds a throwaway SQLite database with the demo data.
"""

from __future__ import annotations

import gzip
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/en/models/o4-mini/", "/en/"]
RENDERS = 30
MIN_GZIPPED_SAVING = 0.05


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="tokonomix-bench-templates-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tokonomix.settings",
            "DJANGO_DEBUG": "true",
            "DJANGO_SECRET_KEY": "bench-only-not-a-secret",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "PAGE_CACHE_SECONDS": "0",
            "DJANGO_READ_DOT_ENV": "false",
        }
    )
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.template import engines
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_demo", no_live_test=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client(HTTP_HOST="127.0.0.1")
    options: Any = settings.TEMPLATES[0]["OPTIONS"]
    loaders = options["loaders"]
    plain = [
        (
            "django.template.loaders.cached.Loader",
            [
                "django.template.loaders.filesystem.Loader",
                "django.template.loaders.app_directories.Loader",
            ],
        )
    ]
    results: dict[str, dict[str, tuple[int, int, float]]] = {}
    for name, chosen in (("stripped", loaders), ("as written", plain)):
        options["loaders"] = chosen
        engines._engines = {}  # type: ignore[attr-defined]
        engines.__dict__.pop("templates", None)
        results[name] = {}
        for page in PAGES:
            body = client.get(page).content
            times = []
            for _ in range(RENDERS):
                started = time.perf_counter()
                client.get(page)
                times.append((time.perf_counter() - started) * 1000)
            results[name][page] = (
                len(body),
                len(gzip.compress(body, 6)),
                statistics.median(times),
            )
    worth_it = False
    for page in PAGES:
        s_raw, s_gz, s_ms = results["stripped"][page]
        p_raw, p_gz, p_ms = results["as written"][page]
        gz_saving = 1 - s_gz / p_gz
        ms_saving = 1 - s_ms / p_ms
        worth_it |= gz_saving > MIN_GZIPPED_SAVING or ms_saving > MIN_GZIPPED_SAVING
        print(f"{page}")
        print(f"  as written  {p_raw:8,} B  gzip {p_gz:7,} B  render {p_ms:6.1f} ms")
        print(f"  stripped    {s_raw:8,} B  gzip {s_gz:7,} B  render {s_ms:6.1f} ms")
        print(
            f"  saving      {1 - s_raw / p_raw:8.1%}     gzip {gz_saving:6.1%}"
            f"     render {ms_saving:6.1%}"
        )
    print(
        "the loader saves more than "
        f"{MIN_GZIPPED_SAVING:.0%} after compression or of render time: "
        + ("yes, keep it" if worth_it else "no, compression alone does the job")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
