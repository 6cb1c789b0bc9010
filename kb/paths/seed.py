"""The seed's reading paths (fixtures/paths.yaml): a sample path for newcomers on a fresh install.

Loaded with the seed content (`kb.content.services.load_seed` sends `seed_loaded`). A seeded
path is an example: it is created once, and whatever editors then do with it is theirs: a
changed path is left as it is, and a deleted one (its history keeps it, recoverable) is not
created again.
"""

from pathlib import Path as FilePath
from typing import Any

import reversion
import yaml
from reversion.models import Version

from kb.content.models import Entry, Status
from kb.content.services import SeedError, SeedReport
from kb.paths.models import Path, PathEntry

SEED_FILE = "paths.yaml"


def read_seed_paths(seed_dir: FilePath) -> list[dict[str, Any]]:
    """The paths of `seed_dir`/paths.yaml; none when there is no such file."""
    path = seed_dir / SEED_FILE
    if not path.exists():
        return []
    try:
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except (OSError, yaml.YAMLError) as error:
        raise SeedError(f"{SEED_FILE}: {error}") from error
    for item in items:
        if not isinstance(item, dict) or not {"key", "title", "entries"} <= item.keys():
            raise SeedError(f"{SEED_FILE}: each path needs a key, a title and entries")
    return items


def deleted_seed_path_keys() -> set[str]:
    """The seed keys of seeded paths that editors deleted (and did not recover)."""
    return {
        key
        for version in Version.objects.get_deleted(Path)
        if (key := version.field_dict.get("seed_key"))
    }


def load_seed_paths(*, seed_dir: FilePath) -> list[str]:
    """Create the seed's paths that do not exist yet and were never deleted; what was done,
    one line per path (for `load_seed` to print)."""
    items = read_seed_paths(seed_dir)
    if not items:
        return []
    existing = set(
        Path.objects.filter(seed_key__in=[i["key"] for i in items]).values_list(
            "seed_key", flat=True
        )
    )
    deleted = deleted_seed_path_keys()
    lines = []
    for item in items:
        if item["key"] in existing:
            continue
        if item["key"] in deleted:
            lines.append(f"sample path left deleted by editors: {item['title']}")
            continue
        create_seed_path(item)
        lines.append(f"sample path created: {item['title']}")
    return lines


def create_seed_path(item: dict[str, Any]) -> Path:
    """The path of one seed item, with the seed entries it lists that exist (an entry editors
    deleted is left out)."""
    slug = item.get("slug", "")
    if slug and Path.objects.filter(slug=slug).exists():
        slug = ""  # an editor's path has it: one is made from the title
    path = Path.objects.create(
        seed_key=item["key"],
        title=item["title"],
        slug=slug,
        intro=item.get("intro", "").strip(),
        status=Status.PUBLISHED,
    )
    keys = [row["entry"] for row in item["entries"]]
    entries = {entry.seed_key: entry for entry in Entry.objects.filter(seed_key__in=keys)}
    rows = [row for row in item["entries"] if row["entry"] in entries]
    for position, row in enumerate(rows, start=1):
        PathEntry.objects.create(
            path=path, entry=entries[row["entry"]], position=position, note=row.get("note", "")
        )
    if reversion.is_active():
        reversion.add_to_revision(path)  # again, now that it has its entries
    return path


def on_seed_loaded(sender: type, *, seed_dir: FilePath, report: SeedReport, **kwargs) -> None:
    report.also.extend(load_seed_paths(seed_dir=seed_dir))
