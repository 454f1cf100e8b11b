"""Helpers shared by the benchmarks: labelled-file tables, period matching, timing, reports."""

from __future__ import annotations

import csv
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "LabelledFile",
    "SHARED_DATA",
    "best_time",
    "command_line",
    "labelled_files",
    "match_period",
    "markdown_table",
    "pick_names",
    "write_report",
]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("STARSKOPE_SHARED_DATA", REPO.parent / "shared" / "data"))


@dataclass(frozen=True)
class LabelledFile:
    path: Path
    table: str  # "shared" or "bulk"
    mission: str
    target: str
    label_class: str
    is_host: int | None
    periods: tuple[float, ...]


_PERIOD = re.compile(r"(?<![\w.])(\d+\.\d+)")


def parse_periods(text: str) -> tuple[float, ...]:
    """Known periods from a labels.csv cell like 'b 7.0082; c 8.7198 (plus candidate 7.24)'."""
    text = text.split("(plus")[0]
    return tuple(float(x) for x in _PERIOD.findall(text))


def labelled_files(*, include_unlabelled: bool = False) -> list[LabelledFile]:
    """Every light curve in ../shared/data/labels.csv and bulk/labels.csv."""
    out = []
    for table, root in (("shared", SHARED_DATA), ("bulk", SHARED_DATA / "bulk")):
        labels = root / "labels.csv"
        if not labels.exists():
            continue
        with labels.open(newline="") as fh:
            for row in csv.DictReader(fh):
                host = row["is_planet_host"].strip()
                is_host = int(host) if host in {"0", "1"} else None
                if is_host is None and not include_unlabelled:
                    continue
                out.append(
                    LabelledFile(
                        path=root / row["file"],
                        table=table,
                        mission=row["mission"],
                        target=row["target"],
                        label_class=row["label_class"],
                        is_host=is_host,
                        periods=parse_periods(row["known_periods_days"]),
                    )
                )
    return out


def match_period(found: float | None, known: tuple[float, ...], *, tol: float = 0.01) -> str:
    """'match', 'half' (found = P/2), 'double' (found = 2P) or 'miss'."""
    from starskope.simulate.recovery import period_alias

    if found is None or not known or not found > 0:
        return "miss"
    kinds = {period_alias(found, p, tol=tol) for p in known}
    return next((k for k in ("match", "half", "double") if k in kinds), "miss")


def pick_names(ap, text: str, known) -> list[str]:
    """The comma-separated names of ``text`` (repeats dropped, order kept); an ``argparse``
    error naming the known ones for any other."""
    names = list(dict.fromkeys(v.strip() for v in text.split(",") if v.strip()))
    unknown = [v for v in names if v not in known]
    if unknown:
        ap.error(f"unknown variant(s) {unknown}; known: {', '.join(known)}")
    return names


def markdown_table(header: list[str], rows: list[list]) -> str:
    def fmt(x):
        if isinstance(x, float):
            return f"{x:.3g}" if abs(x) < 1000 else f"{x:.0f}"
        return str(x)

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(x) for x in r) + " |" for r in rows]
    return "\n".join(lines)


def best_time(fn, repeat: int, *, warm_up: bool = True) -> float:
    """Best CPU time (``time.process_time``, seconds) of ``repeat`` calls of ``fn``, after one
    untimed call when ``warm_up`` (imports, JIT compilation, caches)."""
    if warm_up:
        fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def command_line(module: str, argv: list[str] | None) -> str:
    """``python -m MODULE ARGS``: how a benchmark was run (``argv`` None: the process's own)."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    return " ".join(["python -m", module, *args])


def write_table_report(path: Path, *, title: str, intro: str, header: list, rows: list) -> str:
    """A report of one table: ``# title``, the ``intro`` paragraph (the command first), the
    table; written as :func:`write_report` does."""
    return write_report(path, [f"# {title}", "", intro, "", markdown_table(header, rows), ""])


def write_report(path: Path, lines: list[str]) -> str:
    """Join ``lines``, print them, write them to ``path`` (folders made) and return the text."""
    text = "\n".join(lines)
    print(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(f"wrote {path}")
    return text
