"""What a build or a preview keeps between runs under `build/cache/`: the validated tables of
each source and the figures of the portfolio, so that an unchanged rebuild or a first
preview does not read, validate and compute the portfolio again.

Each entry is stored under a key that hashes everything it was made from: the bytes and
names of the exports (never their dates), the config, the generator's code and the versions
of the libraries that made it. An entry is never updated: what changed has another key, and
a stale entry can only be found again by inputs identical to those it was made from. Entries
are pickles that only svcsite reads back, from the folder it writes them to; one that cannot
be read back is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
KEPT = 2  # entries kept per kind: the newest (a build and a preview may alternate)
_LIBRARIES = ("numpy", "pandas", "pyarrow", "pydantic")


def file_digest(path: Path) -> str:
    """The hash of a file's bytes."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def key(*parts: object) -> str:
    """One key for every part, in order, and for the code that makes the entry."""
    digest = hashlib.sha256(code_digest().encode())
    for part in parts:
        digest.update(b"\0" + str(part).encode())
    return digest.hexdigest()


@cache
def code_digest() -> str:
    """The generator's code and templates, Python's version and the libraries' versions."""
    import platform
    from importlib import metadata

    digest = hashlib.sha256(platform.python_version().encode())
    for package in _LIBRARIES:
        digest.update(f"\n{package} {metadata.version(package)}".encode())
    generator_dir = Path(__file__).parent
    for path in sorted(generator_dir.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(f"\n{path.relative_to(generator_dir)}\n".encode() + path.read_bytes())
    return digest.hexdigest()


class Cache:
    """Entries of several kinds in one folder; with no folder, nothing is kept. New entries
    are written by `save()`, once the run knows its inputs are sound: a run that stops on bad
    inputs writes nothing."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._new: dict[tuple[str, str], object] = {}

    def through(self, kind: str, entry_key: str, make: Callable[[], T]) -> T:
        """The entry of `kind` under `entry_key`, made (and kept) when there is none."""
        found = self.get(kind, entry_key)
        if found is None:
            found = make()
            self.put(kind, entry_key, found)
        return found

    def get(self, kind: str, entry_key: str) -> object | None:
        if self.directory is None:
            return None
        path = self._path(kind, entry_key)
        try:
            with path.open("rb") as file:
                found = pickle.load(file)
        except FileNotFoundError:
            return None
        except Exception:  # written by another version, or cut short: made again
            path.unlink(missing_ok=True)
            return None
        os.utime(path)  # the newest used, the last pruned
        return found

    def put(self, kind: str, entry_key: str, value: object) -> None:
        """Keep `value` when `save()` is called."""
        if self.directory is not None:
            self._new[kind, entry_key] = value

    def save(self) -> None:
        """Write the entries put since the last save."""
        for (kind, entry_key), value in self._new.items():
            self._write(kind, entry_key, value)
        self._new.clear()

    def _write(self, kind: str, entry_key: str, value: object) -> None:
        assert self.directory is not None
        self.directory.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a reader in another process sees all of it or nothing.
        handle, temporary = tempfile.mkstemp(prefix=f".{kind}-", dir=self.directory)
        try:
            with os.fdopen(handle, "wb") as file:
                pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, self._path(kind, entry_key))
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._prune(kind)

    def _path(self, kind: str, entry_key: str) -> Path:
        assert self.directory is not None
        return self.directory / f"{kind}-{entry_key}.pickle"

    def _prune(self, kind: str) -> None:
        assert self.directory is not None
        entries = []
        for path in self.directory.glob(f"{kind}-*.pickle"):
            try:
                entries.append((path.stat().st_mtime_ns, path))
            except FileNotFoundError:  # pruned by another process meanwhile
                continue
        for _, path in sorted(entries, reverse=True)[KEPT:]:
            path.unlink(missing_ok=True)
