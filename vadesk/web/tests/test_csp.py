"""Content security policy: every page carries it, and no page holds an inline script or style without the
request's nonce, a style= attribute, an inline event handler or a javascript: link (a crawl over the rendered
pages of every area, as the people who use them, and a scan of every page template)."""

import re
from pathlib import Path

import pytest
from django.urls import get_resolver, reverse

from vadesk.api.tests.conftest import globex, globex_user  # noqa: F401
from vadesk.invoicing.tests.conftest import billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.web.tests.test_outsider_matrix import INSIDERS, MATRIX, _patterns, world  # noqa: F401

VADESK = Path(__file__).resolve().parents[2]
# Templates of mail, not pages: mail clients need inline styles, and no script runs there.
MAIL_TEMPLATES = {"comms/templates/comms/digest.html"}
NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")
TAG = re.compile(r"<(script|style)\b([^>]*)>", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def violations(html: str, nonce: str | None) -> list[str]:
    found = []
    for tag, attributes in TAG.findall(html):
        if tag.lower() == "script" and re.search(r"\ssrc\s*=", attributes):
            continue  # a file from 'self': allowed without a nonce
        if tag.lower() == "script" and "application/json" in attributes:
            continue  # data, not code (ninja's Swagger settings)
        given = re.search(r'nonce="([^"]*)"', attributes)
        if not given or not given.group(1) or (nonce is not None and given.group(1) != nonce):
            found.append(f"<{tag}{attributes}> without the request's nonce")
    found += [f"style attribute: {m.group(0)[:80]}" for m in STYLE_ATTRIBUTE.finditer(html)]
    found += [f"inline handler: {m.group(0)[:80]}" for m in HANDLER.finditer(html)]
    found += [f"javascript: URL: {m.group(0)}" for m in JAVASCRIPT_URL.finditer(html)]
    return found


def page_templates() -> list[Path]:
    return [
        path
        for path in VADESK.glob("*/templates/**/*.html")
        if path.relative_to(VADESK).as_posix() not in MAIL_TEMPLATES
    ]


def test_no_page_template_holds_inline_code_without_a_nonce():
    assert len(page_templates()) > 50
    bad = {}
    for path in page_templates():
        text = path.read_text()
        # In a template the nonce is `{{ csp_nonce }}`; any other value would be wrong.
        problems = violations(text, "{{ csp_nonce }}")
        if problems:
            bad[path.relative_to(VADESK).as_posix()] = problems
    assert bad == {}


def test_the_check_finds_what_it_looks_for():
    assert violations('<script>alert(1)</script><div style="x"></div><a href="javascript:x" onclick="y">', "n")
    assert violations('<script nonce="other">x</script>', "n")
    assert not violations('<script nonce="n">x</script><script src="/a.js"></script><style nonce="n"></style>', "n")


def get_pages() -> list[str]:
    """Every URL name of a page that takes no argument (GET), outside the API."""
    return sorted(
        name
        for name, route, converters in _patterns(get_resolver())
        if not converters and name and not name.startswith("api:") and "<" not in route
    )


def check(response, url: str, checked: list[str], problems: dict[str, list[str]]) -> None:
    if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
        return
    policy = response.headers.get("Content-Security-Policy", "")
    # The nonce is in the header when the page used one (Django's nonce is made on first use).
    assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe-inline" not in policy, url
    assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy, url
    header = NONCE.search(policy)
    html = response.content.decode()
    found = violations(html, header.group(1) if header else None)
    if found:
        problems[url] = found
    checked.append(url)


@pytest.mark.slow
def test_every_rendered_page_keeps_to_the_policy(world, client, request, owner, assistant, acme_user, settings):
    settings.API_DOCS_PUBLIC = False
    checked: list[str] = []
    problems: dict[str, list[str]] = {}
    for who in ("owner", "assistant", "acme_user"):
        client.force_login(request.getfixturevalue(who))
        for name in get_pages():
            try:
                url = reverse(name)
            except Exception:  # a pattern that needs query arguments to reverse
                continue
            check(client.get(url), url, checked, problems)
    for name, kwargs in MATRIX.items():
        client.force_login(request.getfixturevalue(INSIDERS.get(name, "owner")))
        url = reverse(name, kwargs=kwargs(world))
        check(client.get(url), url, checked, problems)
    client.force_login(owner)
    check(client.get("/api/v1/docs"), "/api/v1/docs", checked, problems)
    client.logout()
    check(client.get(reverse("login")), reverse("login"), checked, problems)
    assert problems == {}
    areas = {"/portal/", "/agenda/", "/comms/", "/invoices/", "/jobs/", "/clients/", "/api/v1/docs"}
    assert {area for area in areas if any(url.startswith(area) for url in checked)} == areas, sorted(set(checked))
    assert len(set(checked)) >= 40
