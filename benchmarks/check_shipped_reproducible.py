"""Does `starskope train` remake every shipped model? Retrain each from its card and compare.

Each model card (``src/starskope/data/models/NAME.md``) names the command that made its file
(``- command: `starskope train --model NAME --data train.csv ... --seed S ...```) and the md5 of
the training table. This check makes that table again (``starskope simulate campaign --n-stars
1000 --n-hosts 250 --seed 1 --format kaggle --shuffle``, the command every card's Data section
gives) and stops if its md5 differs from the card's; then it runs each card's command with the
table and an output folder of its own, and scores a fresh check table (simulated with a seed no
model saw, ``--check-seed``) with the shipped file and the retrained one. A model is remade when
the largest difference of their planet scores is 0 (up to ``--atol``).

Run (about 6 minutes on 2 cores with a fresh pipeline cache; one thread per model, as the cards
say: ``OMP_NUM_THREADS`` defaults to 1 here)::

    OMP_NUM_THREADS=1 python -m benchmarks.check_shipped_reproducible --jobs 2
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shlex
import tempfile
import time
from pathlib import Path

import numpy as np

from .common import REPO, markdown_table, write_report
from .compare_models_validation import TableInputs

MODELS_DIR = REPO / "src" / "starskope" / "data" / "models"
OUT = REPO / "benchmarks" / "results" / "shipped_reproducible.md"
TRAIN_TABLE = ["--n-stars", "1000", "--n-hosts", "250", "--seed", "1", "--format", "kaggle"]

_COMMAND = re.compile(r"^- command: `starskope (train [^`]+)`", re.M)
_MD5 = re.compile(r"md5 ([0-9a-f]{32})")


def card_command(card: str) -> list[str]:
    """The ``starskope train`` arguments of a model card's ``- command:`` line.

    Examples
    --------
    >>> card_command("- command: `starskope train --model gbm --data t.csv --seed 1` (run as ...)")
    ['train', '--model', 'gbm', '--data', 't.csv', '--seed', '1']
    """
    m = _COMMAND.search(card)
    if m is None:
        raise ValueError("the card has no '- command: `starskope train ...`' line")
    return shlex.split(m.group(1))


def with_paths(args: list[str], *, data: Path, out: Path, jobs: int) -> list[str]:
    """``args`` with ``--data`` and ``--out`` replaced and ``--jobs`` set (models that read the
    pipeline's features use it; the others ignore it).

    Examples
    --------
    >>> with_paths(["train", "--data", "t.csv", "--out", "x"], data=Path("/d.csv"),
    ...            out=Path("/o"), jobs=2)
    ['train', '--data', '/d.csv', '--out', '/o', '--jobs', '2']
    """
    out_args, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a in ("--data", "--out", "--jobs"):
            skip = True
            if a == "--data":
                out_args += ["--data", str(data)]
            elif a == "--out":
                out_args += ["--out", str(out)]
            continue
        out_args.append(a)
    return out_args + ["--jobs", str(jobs)]


def card_md5(card: str) -> str | None:
    """The training table's md5 named in the card's Data section (the first one)."""
    m = _MD5.search(card.split("## Data", 1)[-1])
    return m.group(1) if m else None


def _md5(path: Path) -> str:
    h = hashlib.md5()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models-dir", type=Path, default=MODELS_DIR)
    ap.add_argument("--models", default="", help="comma-separated names (default: every card)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--check-seed", type=int, default=999)
    ap.add_argument("--check-stars", type=int, default=300)
    ap.add_argument("--atol", type=float, default=0.0)
    ap.add_argument("--work", type=Path, default=None, help="folder for tables and retrains")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)

    # the cards' models were trained with one thread (torch's reductions depend on the count)
    if "OMP_NUM_THREADS" not in os.environ:
        os.environ["OMP_NUM_THREADS"] = "1"
        try:
            import torch

            torch.set_num_threads(1)
        except ImportError:  # pragma: no cover - the ml extra is not installed
            pass

    from starskope.cli import main as starskope
    from starskope.models.registry import MODELS, load_model

    work = args.work or Path(tempfile.mkdtemp(prefix="sk_repro_"))
    work.mkdir(parents=True, exist_ok=True)
    train, check = work / "train.csv", work / "check.csv"
    t0 = time.perf_counter()
    if not train.exists():
        rc = starskope(["simulate", "campaign", *TRAIN_TABLE, "--out", str(train), "--shuffle"])
        if rc != 0:
            raise SystemExit(f"could not make the training table (exit {rc})")
    if not check.exists():
        n_hosts = max(1, args.check_stars // 10)
        rc = starskope(["simulate", "campaign", "--n-stars", str(args.check_stars), "--n-hosts",
                        str(n_hosts), "--seed", str(args.check_seed), "--format", "kaggle",
                        "--out", str(check), "--shuffle"])  # fmt: skip
        if rc != 0:
            raise SystemExit(f"could not make the check table (exit {rc})")
    inputs = TableInputs(check, jobs=args.jobs)  # the check table's, made once for all models
    md5 = _md5(train)
    wanted = [m for m in args.models.split(",") if m]
    cards = sorted(args.models_dir.glob("*.md"))
    rows = []
    for card_path in cards:
        name = card_path.stem
        if name not in MODELS or (wanted and name not in wanted):
            continue
        card = card_path.read_text()
        shipped = next(p for p in args.models_dir.glob(f"{name}.*") if p.suffix != ".md")
        expect = card_md5(card)
        if expect != md5:
            rows.append([name, expect or "-", md5, "-", "-", "table differs"])
            continue
        out = work / name
        t1 = time.perf_counter()
        rc = starskope(with_paths(card_command(card), data=train, out=out, jobs=args.jobs))
        seconds = time.perf_counter() - t1
        if rc != 0:
            rows.append([name, expect, md5, f"{seconds:.0f}", "-", f"train failed (exit {rc})"])
            continue
        kind = MODELS[name].kind
        a = inputs.planet_scores(kind, load_model(shipped)[1])
        b = inputs.planet_scores(kind, load_model(out / shipped.name)[1])
        diff = float(np.max(np.abs(a - b)))
        verdict = "remade" if diff <= args.atol else "differs"
        rows.append([name, expect, md5, f"{seconds:.0f}", f"{diff:.3g}", verdict])
    lines = [
        "# Does `starskope train` remake the shipped models?",
        "",
        "Command: `OMP_NUM_THREADS=1 python -m benchmarks.check_shipped_reproducible --jobs "
        f"{args.jobs}` ({time.perf_counter() - t0:.0f} s). Each card's own `starskope train` "
        "command, run on the training table made again by `starskope simulate campaign "
        + " ".join(TRAIN_TABLE)
        + " --shuffle`; planet scores of the shipped and the retrained file compared on a "
        f"{args.check_stars}-star check table (seed {args.check_seed}, never trained on).",
        "",
        markdown_table(
            [
                "model",
                "card's table md5",
                "table md5 now",
                "train s",
                "largest score difference",
                "verdict",
            ],
            rows,
        ),  # fmt: skip
        "",
    ]
    write_report(args.out, lines)
    return 0 if all(r[-1] == "remade" for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
