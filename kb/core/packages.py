"""Data files that installed packages ship (word vectors, a thesaurus)."""

import importlib.util
from pathlib import Path


def installed_file(package: str, relative: Path) -> Path | None:
    """The file at `relative` inside the installed `package`, found without importing the
    package (its code is not needed, and may do work or writes on import); None when the
    package or the file is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / relative
    return path if path.exists() else None
