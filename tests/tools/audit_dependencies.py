"""Audit the locked dependencies for known vulnerabilities, and say plainly when that
could not be done.

pip-audit prints "No known vulnerabilities found" even when it could reach no
vulnerability database and so audited nothing (every dependency "skipped"); this reads
its JSON report instead and tells the three cases apart:

    exit 0  every dependency audited, no known vulnerability
    exit 1  known vulnerabilities (each printed with its fix versions)
    exit 2  could not audit (no vulnerability database answered, or some dependencies
            could not be looked up): a warning, not a pass

Run: make audit (CI runs it and treats exit 2 as a warning).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    command = [
        sys.executable,
        "-m",
        "pip_audit",
        "-r",
        str(ROOT / "requirements.lock"),
        "--disable-pip",
        "--require-hashes",
        "--progress-spinner",
        "off",
        "--format",
        "json",
    ]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    try:
        report = json.loads(finished.stdout)
    except json.JSONDecodeError:
        print("Could not audit: pip-audit gave no report.", file=sys.stderr)
        print(finished.stderr.strip()[-2000:], file=sys.stderr)
        return 2
    code, lines = verdict(report)
    for line in lines:
        print(line, file=sys.stdout if code == 0 else sys.stderr)
    return code


def verdict(report: Mapping[str, Any]) -> tuple[int, list[str]]:
    """The exit status and what to say, from pip-audit's JSON report."""
    dependencies: list[dict[str, Any]] = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    lines = [
        f"VULNERABLE {d['name']} {d['version']}: {v['id']} "
        f"({', '.join(v.get('fix_versions', [])) or 'no fixed release yet'})"
        for d in audited
        for v in d.get("vulns", [])
    ]
    if lines:
        return 1, lines
    if not audited:
        reason = skipped[0]["skip_reason"] if skipped else "no dependencies listed"
        return 2, [
            f"Could not audit: none of the {len(dependencies)} dependencies could be looked "
            f"up in a vulnerability database (e.g. {reason}). Nothing was checked."
        ]
    if skipped:
        names = ", ".join(str(d["name"]) for d in skipped[:10])
        return 2, [
            f"Audited {len(audited)} dependencies: no known vulnerabilities. Could not look "
            f"up {len(skipped)}: {names}{'...' if len(skipped) > 10 else ''}."
        ]
    return 0, [f"Audited all {len(audited)} dependencies: no known vulnerabilities."]


if __name__ == "__main__":
    sys.exit(main())
