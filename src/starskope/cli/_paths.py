"""Outputs: paths checked before a command does its work (a one-line error, not a traceback
after a long simulation or scan), the console for tables, and one star's result line."""

from __future__ import annotations

import os
from pathlib import Path

from ..exceptions import StarskopeError

__all__ = ["emit_result", "output_dir", "output_dir_later", "output_file"]


def output_dir(path, *, what: str = "output folder") -> Path:
    """Create ``path`` (and its parents) when missing; refuse a file or an unwritable folder."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise StarskopeError(f"a file is in the way of the {what}", path=str(p))
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


def output_dir_later(path, *, what: str = "output folder") -> Path:
    """Check that ``path`` can become a folder, without creating it (a run that ends with
    nothing to write leaves nothing behind): no file in the way, and the nearest existing
    parent a writable folder."""
    p = Path(path)
    if p.exists():
        return output_dir(p, what=what)
    parent = p.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise StarskopeError(f"a file is in the way of the {what}", path=str(parent))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StarskopeError(f"cannot create the {what}: {parent} is not writable", path=str(p))
    return p


def console():
    """A rich console for tables: the terminal's width, or 160 columns when the output goes to
    a pipe or a file (rich would use 80 and fold paths one character per line)."""
    from rich.console import Console

    con = Console()
    return con if con.is_terminal else Console(width=160)


def emit_result(res, *, json_out: bool, rows: list) -> bool:
    """One star's result as ``search`` and ``predict`` give it: a failure as one
    ``starskope: error:`` line on stderr (naming the input), then the JSON line on stdout with
    ``json_out``, else kept in ``rows`` for the table. Returns True when the star failed."""
    import sys

    if res.error is not None:
        # a table row's path (``t.csv#row=5``) is named in its error as ``t.csv [row 5]``
        named = res.path and res.path.split("#row=")[0] in res.error
        where = "" if not res.path or named else f"{res.path}: "
        print(f"starskope: error: {where}{' '.join(res.error.split())}", file=sys.stderr)
    if json_out:
        sys.stdout.write(res.to_json() + "\n")
        sys.stdout.flush()
    else:
        rows.append(res)
    return res.error is not None


def count_stars(files) -> int | None:
    """How many stars the inputs hold (a table's rows counted), for a progress bar's total;
    None when that cannot be told cheaply."""
    from ..parallel import PROGRESS_MIN_ITEMS, shows_progress
    from ..scan.inputs import count_items

    if not shows_progress(PROGRESS_MIN_ITEMS):  # no bar will be drawn: do not count
        return None
    try:
        return count_items([str(f) for f in files])
    except Exception:  # a bar without a total; the readers say what is wrong
        return None
