"""The URLs hostile values go to, discovered rather than listed: every public URL pattern in
the URLconf, the API's parameters from its OpenAPI schema, the query parameters the views
read (from their source), and the admin's list, history, compare, restore, recover and
autocomplete views of every model admin."""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import kb

SEGMENT = re.compile(r"<(?:(?P<converter>\w+):)?(?P<name>\w+)>")
# Parameters the admin's own views read, besides each list's filters.
ADMIN_LIST_PARAMETERS = ("q", "o", "p", "e", "all", "_popup", "_to_field", "_changelist_filters")


@dataclass(frozen=True)
class Target:
    """A URL with the parameters it reads; `route` has `<name>` where path segments go."""

    name: str
    route: str
    parameters: tuple[str, ...]
    segments: dict[str, str] = field(default_factory=dict, hash=False)
    fixed: dict[str, str] = field(default_factory=dict, hash=False)
    admin: bool = False

    def path(self, hostile_segment: str | None = None, value: str = "") -> str:
        """The URL with real segments, or with `value` (already encoded) in one of them."""

        def fill(match: re.Match) -> str:
            name = match["name"]
            return value if name == hostile_segment else self.segments.get(name, "1")

        return "/" + SEGMENT.sub(fill, self.route)


def view_parameters() -> tuple[str, ...]:
    """The query parameters the site's views read: every name given to `request.GET`."""
    names = {"maxwidth", "maxheight", "next"}  # read through a helper, and by Django's views
    for source in Path(kb.__file__).parent.rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        names.update(re.findall(r"GET(?:\.get|\.getlist)?\(\s*\"(\w+)\"", text))
        names.update(re.findall(r"GET\[\"(\w+)\"\]", text))
    return tuple(sorted(names))


def walk(resolver: URLResolver, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern


def public_targets(real: dict[str, dict[str, str]], api_schema: dict) -> list[Target]:
    """Every URL of the URLconf outside the admin, with real values for its segments."""
    targets = []
    page_parameters = view_parameters()
    for route, pattern in walk(get_resolver()):
        if route.startswith("admin/"):
            continue
        segments = real.get(pattern.name or "", {})
        if route.startswith("api/"):
            operation = api_schema["paths"].get("/" + SEGMENT.sub(r"{\g<name>}", route), {})
            parameters = tuple(
                p["name"]
                for p in operation.get("get", {}).get("parameters", [])
                if p["in"] == "query"
            )
        else:
            parameters = page_parameters
        targets.append(Target(pattern.name or route, route, parameters, segments))
    return targets


def list_filter_parameters(model_admin: admin.ModelAdmin) -> tuple[str, ...]:
    names = []
    for item in model_admin.list_filter:
        if isinstance(item, str):
            names += [f"{item}__exact", f"{item}__id__exact", f"{item}__isnull", item]
        elif isinstance(item, tuple):
            names += [f"{item[0]}__id__exact", f"{item[0]}__exact", f"{item[0]}__isnull"]
        elif getattr(item, "parameter_name", None):
            names.append(item.parameter_name)
    if model_admin.date_hierarchy:
        names += [f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return tuple(names)


def admin_targets(entry_id: int, version_id: int, deleted_version_id: int) -> list[Target]:
    """The list of every model admin; history, compare, restore and recover of entries; and
    the autocomplete behind the entries' link fields."""
    targets = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")[1:]
        parameters = ADMIN_LIST_PARAMETERS + list_filter_parameters(model_admin)
        targets.append(Target(f"admin list {opts.label_lower}", changelist, parameters, admin=True))
    for kind in ("entry", "situation"):
        base = f"admin/kb/{kind}/"
        segments = {"object_id": str(entry_id), "version_id": str(version_id)}
        targets += [
            Target(
                f"admin history {kind}", base + "<object_id>/history/", (), segments, admin=True
            ),
            Target(
                f"admin compare {kind}",
                base + "<object_id>/history/compare/",
                ("from", "to"),
                segments,
                admin=True,
            ),
            Target(
                f"admin restore {kind}",
                base + "<object_id>/history/<version_id>/",
                (),
                segments,
                admin=True,
            ),
            Target(
                f"admin recover {kind}",
                base + "recover/<version_id>/",
                (),
                {"version_id": str(deleted_version_id)},
                admin=True,
            ),
        ]
    targets.append(
        Target(
            "admin autocomplete",
            "admin/autocomplete/",
            ("term", "app_label", "model_name", "field_name", "page"),
            fixed={"app_label": "kb", "model_name": "situation", "field_name": "see_also"},
            admin=True,
        )
    )
    return targets
