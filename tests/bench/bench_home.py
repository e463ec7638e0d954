"""Home page benchmark: the leaderboard with its price vs speed scatter over 300 models, and
the other pages with the charts of issue 16 (compare of three, the speed board), in gunicorn
on PostgreSQL, measured with wrk and headless Chromium.

Data: bench_pages.py's (300 published models, two years of weekly prices, 100 speed tests
of 6 requests each), in a database of this script's own, so the two never drop each
other's data when run side by side.

Figures, each against /healthz measured in the same gunicorn run (2 workers):
  home page (300 models, the scatter), page cache off    >= 1.5% of /healthz requests/s
  first visit of the home page                           <= 700 KB (HTML, CSS, JS, as served)
  charts drawn on home, compare of three, speed board    <= 1 s after navigation, headless
                                                          Chromium (median of five first visits)

Run from the repository root: python tests/bench/bench_home.py (make bench runs it);
BENCH_HOME_REUSE=1 measures again without regenerating the database. Skips, saying why,
when PostgreSQL, wrk or chromium is missing.
"""

from __future__ import annotations

import json
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_pages as pages  # the data, the server and the measuring

pages.DATABASE = "tokonomix_bench_home"
HOME_TARGET = 0.015
COMPARED = "model-000,model-001,model-002"


def main() -> int:
    reason = pages.missing_tool()
    if reason:
        print(f"SKIP: {reason}")
        return 0
    pages.prepare(reuse_variable="BENCH_HOME_REUSE")

    home = "/en/"
    with pages.gunicorn(page_cache_seconds=0) as base:
        with urllib.request.urlopen(f"{base}{home}", timeout=30) as response:
            html = response.read().decode()
        start = html.index('id="tx-chart-price-speed"')
        figure = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
        points = sum(len(trace["x"]) for trace in figure["data"])
        healthz = pages.rps(f"{base}/healthz")
        home_rps = pages.rps(f"{base}{home}")
        transfer, home_ms = pages.first_visit(f"{base}{home}")
        _, compare_ms = pages.first_visit(f"{base}/en/compare/?models={COMPARED}")
        _, board_ms = pages.first_visit(f"{base}/en/benchmarks/speed/")

    ratio = home_rps / healthz
    kb = transfer / 1024
    failed = False
    print(f"\n  the scatter plots {points} models")
    print(f"{'figure':<40}{'value':>10}{'/healthz':>10}{'target':>9}")
    print(f"{'/healthz':<40}{healthz:>10.0f}")
    ok = ratio >= HOME_TARGET and points >= 300
    failed |= not ok
    print(
        f"{'home (300 models + scatter), cache off':<40}{home_rps:>10.0f}{ratio:>9.2%}"
        f"{HOME_TARGET:>8.1%}  {pages.verdict(ok)}"
    )
    ok = kb <= pages.MAX_TRANSFER_KB
    failed |= not ok
    print(
        f"{'first visit of home, HTML+CSS+JS':<40}{kb:>9.0f}K{'':>10}{pages.MAX_TRANSFER_KB:>8}K  {pages.verdict(ok)}"
    )
    for label, ms in (
        ("home", home_ms),
        ("compare of three", compare_ms),
        ("speed board", board_ms),
    ):
        ok = ms <= pages.MAX_CHART_MS
        failed |= not ok
        print(
            f"{'charts drawn, ' + label:<40}{ms:>8.0f}ms{'':>10}{pages.MAX_CHART_MS:>7}ms  "
            f"{pages.verdict(ok)}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
