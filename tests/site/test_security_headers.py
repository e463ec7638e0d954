"""Every page answers with a strict Content-Security-Policy (Django's own middleware), and the
other browser policies: Referrer-Policy, Cross-Origin-Opener-Policy, Permissions-Policy.
Inline JSON carries the request's nonce; no inline script runs. (The browser test loads the
same pages in Chromium with the policy enforced: tests/site/test_browser.py.)"""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from tests import factories
from tests.site.conftest import measured, priced, verdict
from tokonomix.editorial.models import FAQ, UseCase, UseCaseEntry

pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/models/",
    "/en/models/hdr-model/",
    "/en/compare/?models=hdr-model",
    "/en/providers/",
    "/en/providers/hdr-maker/",
    "/en/usecases/",
    "/en/usecases/coding/",
    "/en/search/?q=hdr",
    "/en/benchmarks/speed/",
    "/en/benchmarks/methodology/",
    "/en/pricing/changes/",
    "/en/live-test/",
    "/en/accounts/login/",
    "/en/accounts/signup/",
    "/api/v1/docs",
    "/admin/login/",
    "/en/no-such-page/",
]


@pytest.fixture
def site(editor, reviewer):
    maker = factories.provider(name="Hdr Maker", slug="hdr-maker")
    model = priced(provider=maker, slug="hdr-model", name="Hdr Model")
    measured(model, p50_latency_ms_30d=900.0)
    profile = factories.profile(by=editor, model=model)
    FAQ.objects.create(profile=profile, question="Fast?", answer="Yes.")
    factories.publish(profile, editor=editor, reviewer=reviewer)
    verdict(model, editor=editor, reviewer=reviewer)
    use_case = UseCase.objects.create(slug="coding", title="Coding", intro="Code.")
    UseCaseEntry.objects.create(use_case=use_case, model=model, rank=1, note="Good.")
    factories.publish(use_case, editor=editor, reviewer=reviewer)
    return model


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        directive.split()[0]: directive.split()[1:]
        for directive in (part.strip() for part in header.split(";"))
        if directive
    }


@pytest.mark.parametrize("url", PAGES)
def test_every_page_sends_a_strict_policy(client, site, url):
    response = client.get(url)

    assert response.status_code in (200, 302, 404), url  # live-test asks readers to sign in
    csp = policy(response)
    scripts = csp["script-src"]
    assert "'self'" in scripts
    assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"} & set(scripts)
    assert csp["object-src"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("url", PAGES)
def test_no_inline_script_runs_and_inline_json_carries_the_nonce(client, site, url):
    response = client.get(url)
    html = response.content.decode()
    nonces = [
        v.removeprefix("'nonce-").removesuffix("'")
        for v in policy(response)["script-src"]
        if v.startswith("'nonce-")
    ]

    for tag, _body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.S):
        if "src=" in tag:
            assert 'src="/static/' in tag, tag  # the site's own files only
            continue
        # Data, not code: JSON, JSON-LD and the admin's JSON constants.
        kind = re.search(r'type="([^"]+)"', tag)
        assert kind and kind.group(1) in ("application/json", "application/ld+json"), tag
        nonce = re.search(r'nonce="([^"]+)"', tag)
        if nonce:
            assert nonces == [nonce.group(1)], (tag, nonces)
    assert not re.search(r"\son[a-z]+=", re.sub(r"<script\b.*?</script>", "", html, flags=re.S))


def test_the_profile_charts_and_faq_carry_the_nonce(client, site):
    response = client.get("/en/models/hdr-model/")
    html = response.content.decode()
    [nonce] = [v[7:-1] for v in policy(response)["script-src"] if v.startswith("'nonce-")]

    assert f'id="tx-chart-price" type="application/json" nonce="{nonce}"' in html
    assert f'<script type="application/ld+json" nonce="{nonce}">' in html


def test_a_page_served_from_the_page_cache_keeps_its_policy(client, site, settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    client.get("/en/models/hdr-model/")

    hit = client.get("/en/models/hdr-model/")

    assert hit.get("X-Page-Cache") == "hit"
    assert "script-src 'self'" in hit["Content-Security-Policy"]
    assert "unsafe-inline" not in policy(hit)["script-src"]
