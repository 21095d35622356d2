"""Files and progress: atomic writes (nothing is left half-written), JSON, progress on stderr.

The one place the package, the figure scripts and the benchmarks write files through.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from pathlib import Path


def write_files_atomically(contents: dict[str | os.PathLike, str | bytes]) -> None:
    """Write every file (text or bytes) to a temporary sibling first, then move each into place with
    ``os.replace``: a failure while writing leaves every target as it was, and no temporary file."""
    temps: dict[Path, str] = {}
    try:
        for path, data in contents.items():
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temps[path] = tmp
            os.chmod(tmp, 0o644)  # mkstemp makes it 0600
            with (os.fdopen(fd, "wb") if isinstance(data, bytes) else
                  os.fdopen(fd, "w", encoding="utf-8")) as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        for path, tmp in temps.items():
            os.replace(tmp, path)
    finally:
        for tmp in temps.values():
            if os.path.exists(tmp):
                os.unlink(tmp)


def write_text(text: str, path: str | os.PathLike) -> None:
    """Write text atomically."""
    write_files_atomically({path: text})


def to_json(data) -> str:
    """``data`` as indented JSON; a list of dataclass records (the validation rows) becomes a list of
    objects."""
    if isinstance(data, list):
        data = [dataclasses.asdict(r) if dataclasses.is_dataclass(r) else r for r in data]
    return json.dumps(data, indent=2)


def write_json(data, path: str | os.PathLike) -> None:
    """Write ``data`` (see :func:`to_json`) as JSON, atomically."""
    write_text(to_json(data), path)


def stderr_progress(message: str) -> None:
    """Progress on stderr, overwriting the line on a terminal."""
    if sys.stderr.isatty():
        sys.stderr.write("\r\033[K" + message)
    else:
        sys.stderr.write(message + "\n")
    sys.stderr.flush()
