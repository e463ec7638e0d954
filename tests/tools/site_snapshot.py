"""Render every reader's page, API response, feed and download of the demo site to files.

For checking that a change which should change nothing a reader sees (a move of code,
a refactor) really changes nothing: snapshot before, snapshot after, compare.

    python tests/tools/site_snapshot.py /tmp/before        # on the old code
    python tests/tools/site_snapshot.py /tmp/after         # on the new code, the same day
    python tests/tools/site_snapshot.py --compare /tmp/before /tmp/after

Each snapshot builds a fresh SQLite database in a temporary folder, loads the demo data
(`load_demo --no-live-test`: the live simulator test's timings vary from run to run) in
debug mode, so the reviewed demo content is there, and fetches with Django's test client:
every URL in sitemap.xml, the leaderboard and speed board in each sort, the downloads,
the feeds, and every GET operation of the API's OpenAPI schema for every published model
and provider. What differs between two builds of the same data on the same day is
masked: CSRF tokens and the time of day of timestamps (the date stays).

Exit status of --compare: 0 when both snapshots are the same, 1 otherwise (the first
differences are printed).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]

_MASKS = [
    # CSRF tokens in forms and cookies.
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1<csrf>"),
    # The time of day of a timestamp (rows are written when the snapshot is built).
    (
        re.compile(r"(\d{4}-\d{2}-\d{2})[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?"),
        r"\1T<time>",
    ),
    # Feed dates written the RFC 822 way.
    (re.compile(r"(\d{1,2} \w{3} \d{4}) \d{2}:\d{2}:\d{2} [+-]\d{4}"), r"\1 <time>"),
]


def _mask(text: str) -> str:
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


def _file_name(url: str) -> str:
    return quote(url, safe="").replace("%", "_")[:200] + ".txt"


def _urls(client: object) -> list[str]:
    from django.conf import settings

    from models_catalog.models import Model, Provider

    urls: list[str] = ["/robots.txt", "/sitemap.xml", "/healthz", "/readyz"]
    sitemap = client.get("/sitemap.xml").content.decode()  # type: ignore[attr-defined]
    for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap):
        urls.append(re.sub(r"^https?://[^/]+", "", loc))
    for sort in ("name", "price", "typical", "latency", "tps", "availability", "tier"):
        urls.append(f"/en/?sort={sort}")
    urls += [
        "/en/?eu=on&sort=price",
        "/en/?provider=openai",
        "/en/?capability=vision&capability=tools",
        "/en/?max_price=1",
        "/en/?page=2",
        "/en/?sort=nonsense",
        "/en/leaderboard.csv",
        "/en/leaderboard.json",
        "/en/leaderboard.csv?provider=openai&sort=price",
        "/en/models/?q=mini",
        "/en/models/?sort=-release",
        "/en/models/?page=2",
        "/en/compare/",
        "/en/compare/?models=o4-mini,o3,gpt-4.1-mini",
        "/en/compare/?models=o4-mini",
        "/en/compare/?models=o4-mini,nope",
        "/en/search/?q=mini",
        "/en/search/?q=openai",
        "/en/benchmarks/speed/?sort=tps",
        "/en/benchmarks/speed/?sort=availability",
        "/en/pricing/changes/?since=2025-01-01",
        "/en/pricing/changes/feed/",
        "/en/verdicts/feed/",
        "/en/live-test/",
        "/en/accounts/login/",
        "/en/accounts/signup/",
        "/en/models/no-such-model/",
        "/api/v1/openapi.json",
        "/api/v1/docs",
    ]
    published = list(Model.objects.filter(is_published=True).order_by("slug"))
    providers = list(Provider.objects.order_by("slug"))
    schema = json.loads(client.get("/api/v1/openapi.json").content)  # type: ignore[attr-defined]
    for path, operations in sorted(schema["paths"].items()):
        if "get" not in operations:
            continue
        if "{slug}" not in path:
            urls.append(path)
            urls.append(f"{path}?limit=5&offset=5" if "limit" in json.dumps(operations) else path)
            continue
        subjects = providers if path.startswith("/api/v1/providers") else published
        for subject in subjects:
            urls.append(path.replace("{slug}", subject.slug))
    for model in published:
        urls.append(f"/en/models/{model.slug}/")
        urls.append(f"/en/models/{model.slug}/prices/feed/")
        urls.append(f"/en/models/{model.slug}/verdicts/feed/")
    del settings
    return list(dict.fromkeys(urls))


def snapshot(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="tokonomix-snapshot-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "tokonomix.settings",
            "DJANGO_DEBUG": "true",
            "DJANGO_SECRET_KEY": "snapshot-only-not-a-secret",
            "DATABASE_URL": f"sqlite:///{workdir / 'snapshot.sqlite3'}",
            "PAGE_CACHE_SECONDS": "0",
        }
    )
    for name in ("REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    call_command("load_demo", no_live_test=True, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client(HTTP_HOST="127.0.0.1")
    urls = _urls(client)
    for number, url in enumerate(urls, start=1):
        response = client.get(url)
        streamed: Any = getattr(response, "streaming_content", None)
        body = b"".join(streamed) if response.streaming else response.content
        text = _mask(body.decode("utf-8", "replace"))
        head = f"{url}\n{response.status_code} {response.get('Content-Type', '')}"
        location = response.get("Location")
        if location:
            head += f"\nLocation: {location}"
        (out / _file_name(url)).write_text(f"{head}\n\n{text}")
        if number % 100 == 0 or number == len(urls):
            print(f"{number}/{len(urls)} responses", file=sys.stderr)
    return 0


def compare(before: Path, after: Path) -> int:
    old = {p.name for p in before.glob("*.txt")}
    new = {p.name for p in after.glob("*.txt")}
    differing = 0
    for name in sorted(old - new):
        print(f"only before: {name}")
        differing += 1
    for name in sorted(new - old):
        print(f"only after: {name}")
        differing += 1
    for name in sorted(old & new):
        a = (before / name).read_text().splitlines()
        b = (after / name).read_text().splitlines()
        if a != b:
            differing += 1
            if differing <= 10:
                print("".join(f"{line}\n" for line in difflib.unified_diff(a, b, name, name, n=1)))
    print(f"{len(old & new)} responses compared, {differing} differ")
    return 1 if differing else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--compare", action="store_true", help="compare two snapshot folders")
    args = parser.parse_args()
    if args.compare:
        if len(args.paths) != 2:
            parser.error("--compare takes two folders")
        return compare(*args.paths)
    if len(args.paths) != 1:
        parser.error("give one folder to write the snapshot to")
    return snapshot(args.paths[0])


if __name__ == "__main__":
    sys.exit(main())
