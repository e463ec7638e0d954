"""How long does the Markdown renderer take over bracket bombs?

Python-Markdown's link matching is quadratic in unclosed "[" (about a minute for
20,000 unguarded); tokonomix.core.markdown shows such blocks as text. Prints the
render time of each bomb; target: each <= 5 s.
Run from the repository root: python tests/bench/bench_markdown_bombs.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

# Run as a plain script, so the repository root is not on sys.path by itself.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tokonomix.core.markdown import render_markdown

BOMBS = {
    '20,000 "["': "[" * 20_000,
    '10,000 "!["': "![" * 10_000,
    'a list item of 20,000 "["': "- " + "[" * 20_000,
}
TARGET_S = 5.0


def main() -> int:
    passed = True
    for name, bomb in BOMBS.items():
        started = time.perf_counter()
        render_markdown(f"Before [ok](/ok).\n\n{bomb}\n\nAfter [ok](/ok).\n")
        elapsed = time.perf_counter() - started
        ok = elapsed <= TARGET_S
        passed = passed and ok
        print(f"{name}: {elapsed:.3f} s (target <= {TARGET_S:g} s) {'PASS' if ok else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
