"""Output paths checked before a command does its work (a one-line error, not a traceback
after a long simulation or scan)."""

from __future__ import annotations

import os
from pathlib import Path

from ..exceptions import StarskopeError

__all__ = ["output_dir", "output_file"]


def output_dir(path, *, what: str = "output folder") -> Path:
    """Create ``path`` (and its parents) when missing; refuse a file or an unwritable folder."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise StarskopeError(f"the {what} exists and is not a folder", path=str(p))
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StarskopeError(f"cannot create the {what}: {exc.strerror}", path=str(p)) from exc
    if not os.access(p, os.W_OK | os.X_OK):
        raise StarskopeError(f"the {what} is not writable", path=str(p))
    return p


def output_file(path, *, what: str = "output file") -> Path:
    """A file that can be written: not a folder, in a folder that exists (created) and is
    writable; an existing file must itself be writable."""
    p = Path(path)
    if p.is_dir():
        raise StarskopeError(f"the {what} is a folder; give a file name", path=str(p))
    output_dir(p.parent if str(p.parent) else Path("."), what=f"folder of the {what}")
    if p.exists() and not os.access(p, os.W_OK):
        raise StarskopeError(f"the {what} is not writable", path=str(p))
    return p
