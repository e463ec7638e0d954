"""make audit tells "nothing could be checked" apart from "nothing was found"."""

from tests.tools.audit_dependencies import verdict

UNREACHABLE = {"skip_reason": "Dependency not found on PyPI and could not be audited"}


def test_nothing_audited_is_a_warning_never_a_pass():
    report = {"dependencies": [{"name": "django", "version": "6.1.3", **UNREACHABLE}]}

    code, lines = verdict(report)

    assert code == 2
    assert "Could not audit" in lines[0] and "Nothing was checked" in lines[0]


def test_a_known_vulnerability_fails_and_names_the_fix():
    vuln = {"id": "PYSEC-2099-1", "fix_versions": ["6.1.4"]}
    report = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": [vuln]}]}

    assert verdict(report) == (1, ["VULNERABLE django 6.1.3: PYSEC-2099-1 (6.1.4)"])


def test_every_dependency_audited_and_clean_passes():
    report = {"dependencies": [{"name": "django", "version": "6.1.3", "vulns": []}]}

    assert verdict(report) == (0, ["Audited all 1 dependencies: no known vulnerabilities."])


def test_a_partial_audit_says_what_it_could_not_look_up():
    report = {
        "dependencies": [
            {"name": "django", "version": "6.1.3", "vulns": []},
            {"name": "vine", "version": "5.1.0", **UNREACHABLE},
        ]
    }

    code, lines = verdict(report)

    assert code == 2 and "Could not look up 1: vine" in lines[0]
