"""Every URL pattern x method of the root URLconf has a matrix row: the walk and the check.

`endpoints()` walks `get_resolver()` (URLResolver / URLPattern, recursively) and lists
each pattern's route (converters kept as written, e.g. `api/v1/courses/<id:course_id>/`:
the same string as `resolve(path).route`) with the methods its view implements:

- a DRF viewset (a router's URL): the methods of its `actions`;
- a class-based view (DRF APIView or Django View): each name of `http_method_names` the
  class has a handler for (OPTIONS and HEAD are the frameworks' own and never listed);
- a function view: the methods it answers, which Python cannot see, so they are given in
  the `function_methods` mapping by the caller (the test file): a function view missing
  there is itself reported.

`uncovered()` matches each row to a pattern the way a request would: it fills the row
URL's `{placeholders}` with sample values and `resolve()`s it; the (route, method) pairs
no row reaches are the uncovered endpoints. `unmatched()` lists the rows that reach no
listed endpoint (a typo, a removed URL, or a URL the catch-all swallows).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

FRAMEWORK_METHODS = {"options", "head"}  # answered by Django/DRF for every view

# Sample values for a row URL's placeholders, tried in this order: an id (`<id:...>`),
# then strings the text converters (site_config.api.ids.register_text_converter) accept:
# hex public ids / award keys, tokens and slugs, a JWK thumbprint, a file path, a uuid
# (`<uuid:...>`), a signed export link (learning/analytics/exports/links.py).
_UUID = "00000000-0000-4000-8000-000000000000"
SAMPLES = ("1", "0123456789abcdef0123456789abcdef", "A" * 43, "index.html", _UUID, f"{_UUID}:1:{'A' * 43}")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class Endpoint:
    route: str  # as `resolve(path).route` gives it
    method: str  # upper case
    view: str  # dotted path of the view, for messages and exclusions

    def __str__(self):
        return f"{self.method} /{self.route} ({self.view})"


@dataclass(frozen=True)
class Exclusion:
    """Endpoints that need no row, and why. Matches a route prefix and/or a view's
    dotted-path prefix (both must match when both are given), for `methods` (all
    methods when empty)."""

    why: str
    route: str = ""
    view: str = ""
    methods: tuple[str, ...] = ()
    when: Callable[[URLPattern], bool] | None = None

    def matches(self, route: str, view: str, method: str, pattern: URLPattern) -> bool:
        return (
            route.startswith(self.route)
            and view.startswith(self.view)
            and (not self.methods or method in self.methods)
            and (self.when is None or self.when(pattern))
        )


def walk(resolver: URLResolver | None = None, prefix: str = ""):
    """(route, URLPattern) for every pattern under `resolver` (the root URLconf's)."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = URLResolver._join_route(prefix, str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, route)
        else:
            yield route, pattern


def view_class(pattern: URLPattern):
    callback = pattern.callback
    return getattr(callback, "cls", None) or getattr(callback, "view_class", None)


def view_path(pattern: URLPattern) -> str:
    target = view_class(pattern) or pattern.callback
    return f"{target.__module__}.{target.__qualname__}"


def view_methods(pattern: URLPattern, function_methods: dict[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """The methods the view answers (upper case), or None for a function view that
    `function_methods` does not describe."""
    actions = getattr(pattern.callback, "actions", None)
    if actions:  # a DRF viewset bound by a router
        names = list(actions)
    elif (cls := view_class(pattern)) is not None:
        names = [name for name in cls.http_method_names if hasattr(cls, name)]
    else:
        listed = function_methods.get(view_path(pattern))
        if listed is None:
            return None
        names = [m.lower() for m in listed]
    return tuple(sorted(name.upper() for name in names if name not in FRAMEWORK_METHODS))


@dataclass
class Walk:
    endpoints: list[Endpoint]
    excluded: list[tuple[Endpoint, Exclusion]]
    unknown_methods: list[str]  # function views with no entry in function_methods


def endpoints(exclusions: Iterable[Exclusion], function_methods: dict[str, tuple[str, ...]]) -> Walk:
    exclusions = list(exclusions)
    result = Walk([], [], [])
    for route, pattern in walk():
        view = view_path(pattern)
        excluded_whole = next(
            (e for e in exclusions if not e.methods and e.matches(route, view, "", pattern)), None
        )
        if excluded_whole:
            result.excluded.append((Endpoint(route, "*", view), excluded_whole))
            continue
        methods = view_methods(pattern, function_methods)
        if methods is None:
            result.unknown_methods.append(f"/{route} ({view})")
            continue
        for method in methods:
            endpoint = Endpoint(route, method, view)
            exclusion = next((e for e in exclusions if e.matches(route, view, method, pattern)), None)
            if exclusion:
                result.excluded.append((endpoint, exclusion))
            else:
                result.endpoints.append(endpoint)
    return result


def _resolved_route(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def route_of(url: str, routes: set[str]) -> str | None:
    """The route a row's URL reaches: its placeholders filled with sample values, its
    query string dropped. A placeholder can be filled so that a catch-all takes the URL
    (an id where a hex key belongs hits `^api/`): the first combination of samples that
    reaches a listed route other than where the unfilled URL goes wins."""
    path = url.split("?", 1)[0]
    holes = list(dict.fromkeys(_PLACEHOLDER.findall(path)))
    fallback = _resolved_route(path)  # braces match no converter: a catch-all, or None
    if not holes:
        return fallback
    for combination in itertools.product(SAMPLES, repeat=len(holes)):
        filled = path
        for hole, value in zip(holes, combination, strict=True):
            filled = filled.replace(hole, value)
        route = _resolved_route(filled)
        if route in routes and route != fallback:
            return route
    return fallback


def uncovered(rows: Iterable[tuple[str, str]], walked: Walk) -> list[Endpoint]:
    """The endpoints no (method, url) of `rows` reaches."""
    routes = {e.route for e in walked.endpoints}
    reached = {(route_of(url, routes), method.upper()) for method, url in rows}
    return [e for e in walked.endpoints if (e.route, e.method) not in reached]


def unmatched(rows: Iterable[tuple[str, str]], walked: Walk) -> list[tuple[str, str]]:
    """The (method, url) of `rows` whose URL reaches no pattern of the walk, listed or
    excluded: a stale or mistyped row (a row for a method the view lacks is fine: it
    shows the 405)."""
    routes = {e.route for e in walked.endpoints}
    known = routes | {e.route for e, _ in walked.excluded}
    return [(method, url) for method, url in rows if route_of(url, routes) not in known]
