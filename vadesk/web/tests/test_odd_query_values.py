"""Odd query values never make a page fail: every GET URL pattern of the site (from Django's resolver, so the
list proves itself complete), as every role, with odd values for every query parameter its view reads.

The parameters a view reads are collected from its source and the module's helpers it calls: the names given
to `vadesk.lib.params` (`param_date(request.GET, "on", …)`) and to `request.GET`, plus the fields of a form
built from `request.GET`. A view that reads `request.GET` in any other way fails
test_every_view_reads_its_query_through_the_helper.
"""

import inspect
import re
from collections.abc import Callable, Iterator
from types import ModuleType

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from vadesk.api.tests.conftest import globex, globex_user  # noqa: F401
from vadesk.invoicing.tests.conftest import billable_acme, hourly, october_hours, seller  # noqa: F401
from vadesk.web.tests.test_outsider_matrix import ELSEWHERE, MATRIX, world  # noqa: F401

ODD = [
    "0001-01-01",
    "9999-12-31",
    "9999-12",
    "0000-00",
    "²",
    str(10**30),
    "-1",
    "",
    "\x00",
    "a\x00b",
    "x" * 5000,
    "1" * 400,
    "2026-02-30",
]
ROLES = ["owner", "assistant", "acme_user", "outsider", "anonymous"]

# Patterns with an id that the outsider matrix does not build: their kwargs here.
KWARGS: dict[str, Callable] = {
    "comms:template_edit": lambda w: {"kind": "task_update", "language": "en"},
    "agenda_feed": lambda w: {"token": "0" * 43},
    "password_reset_confirm": lambda w: {"uidb64": "MQ", "token": "set-password"},
    "invitation": lambda w: {"token": "not-a-signed-token"},
    "portal:signin_link": lambda w: {"secret": "not-a-sign-in-secret"},
    "jobs:retry": lambda w: {"pk": "00000000-0000-4000-8000-000000000000"},
}

NAMES = re.compile(
    r"""(?:param_\w+\(\s*request\.GET,\s*|request\.GET(?:\.get|\.getlist)?\(\s*|request\.GET\[\s*)["'](\w+)["']"""
)
FORM = re.compile(r"(\w+Form)\(\s*request\.GET")
CALLS = re.compile(r"\b(_\w+)\(")


def _views(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, Callable, list]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _views(pattern, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback, list(pattern.pattern.converters)


def _source(view: Callable) -> str:
    """The view's source with that of the module's own helpers it calls (transitively)."""
    function = inspect.unwrap(view)
    module = inspect.getmodule(function)
    seen: dict[str, str] = {}
    todo = [function]
    while todo:
        current = todo.pop()
        try:
            text = inspect.getsource(current)
        except (OSError, TypeError):
            continue
        seen[current.__qualname__] = text
        for helper in CALLS.findall(text):
            found = getattr(module, helper, None)
            if inspect.isfunction(found) and found.__qualname__ not in seen:
                todo.append(found)
    return "\n".join(seen.values())


def query_names(view: Callable) -> set[str]:
    source = _source(view)
    names = set(NAMES.findall(source))
    module: ModuleType | None = inspect.getmodule(inspect.unwrap(view))
    for form_name in FORM.findall(source):
        names |= set(getattr(module, form_name).base_fields)
    return names


def site_views() -> list[tuple[str, Callable, list]]:
    """Every named pattern outside the REST API (the API's bad input: test_schemathesis and test_bad_input)."""
    return [(name, view, conv) for name, view, conv in _views(get_resolver()) if not name.startswith("api:")]


def test_every_view_reads_its_query_through_the_helper():
    """`request.GET` only as `param_*(request.GET, "name")` or a form over it: nothing the crawl cannot see."""
    loose = {}
    for name, view, _conv in site_views():
        if not inspect.unwrap(view).__module__.startswith("vadesk."):
            continue  # Django's own (set_language reads `next` through url_has_allowed_host_and_scheme)
        for line in _source(view).splitlines():
            if "request.GET" not in line:
                continue
            if not (re.search(r"param_\w+\(\s*request\.GET,", line) or FORM.search(line)):
                loose.setdefault(name, []).append(line.strip())
    assert loose == {}


def test_the_crawl_knows_every_pattern(world):
    for name, _view, converters in site_views():
        assert not converters or name in MATRIX or name in KWARGS, name


def test_the_name_collector_reads_helpers_and_forms():
    from vadesk.agenda.views import client_agenda
    from vadesk.comms.views import follow_up_new
    from vadesk.invoicing.views import export_view

    assert {"on", "view"} <= query_names(client_agenda)
    assert {"start", "end", "as"} <= query_names(export_view)
    assert {"comment", "fact", "task", "client"} <= query_names(follow_up_new)  # read in _follow_up_source


def _login(client, request, who: str) -> None:
    client.logout()
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


def _get(client, url: str, query: dict[str, str], who: str, failures: list) -> int:
    try:
        response = client.get(url, query)
    except Exception as error:  # the test client re-raises what would have been a 500
        failures.append((who, url, {k: v[:20] for k, v in query.items()}, repr(error)[:160]))
        return 500
    if response.status_code >= 500:
        failures.append((who, url, {k: v[:20] for k, v in query.items()}, response.status_code))
    return response.status_code


@pytest.mark.slow
def test_no_page_fails_on_odd_query_values(world, client, request):
    """A page the role reaches (200) gets every odd value in each parameter alone; a page it does not reach gets
    each odd value in all parameters at once (the refusal must come before any of them is read)."""
    urls = []
    for name, view, converters in site_views():
        url = reverse(name, kwargs=(MATRIX.get(name) or KWARGS[name])(world)) if converters else reverse(name)
        urls.append((url, sorted(query_names(view))))
    assert sum(bool(names) for _url, names in urls) >= 19
    crawled, failures = 0, []
    for who in ROLES:
        _login(client, request, who)
        for url, names in urls:
            reached = _get(client, url, {}, who, failures) == 200
            if not names:
                continue
            if reached:
                queries = [{param: value} for param in names for value in ODD]
            else:
                queries = [dict.fromkeys(names, value) for value in ODD]
            for query in queries:
                crawled += 1
                _get(client, url, query, who, failures)
    assert failures == []
    assert crawled > 1000
