"""``starskope train``, ``starskope predict`` and ``starskope evaluate``: the classifiers.

- ``train --model NAME --data FILE... --seed S --out DIR``: fit a registry model on labelled
  data (Kaggle tables, e.g. simulated campaigns, or labelled light-curve files) and write the
  model file plus a model card (``DIR/NAME.md``) with the exact command.
- ``predict FILE... [--model NAME|FILE] [--json]``: score stars; with ``--json`` one
  `~starskope.result.StarResult` line per star (a Kaggle table: one per row, with ``row`` and
  ``label``) whose ``score`` is the calibrated probability of a transiting planet.
- ``evaluate --model NAME|FILE --data FILE... --out DIR``: metrics with bootstrap intervals and
  plots (ROC, precision-recall, confusion matrix, score distributions, training history).
"""

from __future__ import annotations

import json
import shlex
import time
from pathlib import Path

import typer

from ..exceptions import StarskopeError
from ..result import json_safe
from . import app
from ._help import CADENCE_HELP, FORMAT_HELP
from ._paths import console as _console
from ._paths import count_stars, emit_result, output_dir_later

__all__ = ["evaluate_command", "predict_command", "train_command"]


def _train_cmdline(
    model, data, seed, out, epochs, limit, injections=0, host_labels="star", cadence_minutes=None
) -> str:
    args = ["starskope", "train", "--model", model]
    for p in data:
        args += ["--data", str(p)]
    if cadence_minutes is not None:
        args += ["--cadence-minutes", str(cadence_minutes)]
    if injections:
        args += ["--injections", str(injections)]
    if host_labels != "star":
        args += ["--host-labels", host_labels]
    args += ["--seed", str(seed), "--out", str(out)]
    if epochs is not None:
        args += ["--epochs", str(epochs)]
    if limit is not None:
        args += ["--limit", str(limit)]
    return " ".join(shlex.quote(a) for a in args)


#: Fewer stars than this in a class: ``train`` warns that the model may be a constant.
SMALL_CLASS = 20


@app.command("train")
def train_command(
    model: str = typer.Option(
        ...,
        "--model",
        help="Registry model name (original-cnn, gbm, rbm, views-cnn, spectrogram-cnn).",
    ),
    data: list[Path] = typer.Option(..., "--data", help="Labelled training data (repeatable)."),
    seed: int = typer.Option(
        0,
        "--seed",
        min=0,
        help="Random seed (training is repeatable on CPU at a fixed thread count, e.g."
        " OMP_NUM_THREADS=1; the CNN losses differ in the 4th digit between 1 and 2 threads).",
    ),
    out: Path = typer.Option(..., "--out", help="Output folder for the model and its card."),
    device: str = typer.Option("cpu", "--device", help="cpu or cuda (CNN models)."),
    epochs: int | None = typer.Option(None, "--epochs", min=1, help="Maximum epochs (CNN models)."),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Worker processes for feature extraction."
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        help="Use at most this many stars, over all --data inputs in order (a Kaggle table's"
        " first rows: the layout lists its hosts first).",
    ),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="Progress bar."),
    injections: int = typer.Option(
        0,
        "--injections",
        help="Models of the pipeline's output (views-cnn, gbm): add this many injections "
        "(planets, eclipsing binaries, none) into real K2 noise ($STARSKOPE_SHARED_DATA/bulk) to the "
        "training data (seeded by --seed; cached).",
    ),
    host_labels: str = typer.Option(
        "star",
        "--host-labels",
        help="star: every host is a positive. detected (gbm): train on the strongest "
        "candidate's truth, leaving out the hosts whose planet the search did not find (period "
        "not within 1% of P, P/2 or 2P), as AstroNet and the Kepler Robovetter label TCEs; "
        "needs each host's period (a simulated table's truth table, or --injections).",
    ),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
) -> None:
    """Train a model and write it with a model card."""
    from ..models.data import file_md5, load_labelled
    from ..models.registry import MODELS, make_model, save_model

    if model not in MODELS:
        raise StarskopeError(f"unknown model {model!r}; choose one of {sorted(MODELS)}")
    spec = MODELS[model]
    if host_labels not in ("star", "detected"):
        raise StarskopeError(f"--host-labels is 'star' or 'detected'; got {host_labels!r}")
    if host_labels == "detected" and spec.kind != "tabular":
        raise StarskopeError(
            f"--host-labels detected is for the tabular models (gbm), which describe a star by "
            f"its strongest candidate; {model} reads {spec.kind} input"
        )
    if host_labels == "detected":
        _check_detected_inputs(data)
    if device != "cpu" and spec.suffix != ".pt":
        raise StarskopeError(f"--device is for the CNN models; {model} trains on the CPU")
    if epochs is not None and spec.suffix != ".pt":
        raise StarskopeError(f"--epochs is for the CNN models; {model} has no epochs")
    if spec.suffix == ".pt":  # an unusable device is said before the data load, no folder made
        from ..models.torch_training import torch_device

        torch_device(device)
    output_dir_later(out, what="--out folder")  # made once there is something to write
    t0 = time.perf_counter()
    ds = load_labelled(
        data, kind=spec.kind, n_jobs=jobs, limit=limit, cadence_minutes=cadence_minutes
    )
    if injections and spec.kind not in ("views", "tabular"):
        raise StarskopeError(
            f"--injections is for models that read the pipeline's output (views, tabular); "
            f"{model} reads {spec.kind} input"
        )
    labels = ds.classes if spec.kind == "views" else ds.y
    n_inj = {}
    if injections:
        import numpy as np

        from ..models.data import LabelledSet
        from ..models.training_data import (
            injection_classes,
            injection_ids,
            injection_key,
            injection_set,
        )
        from ..models.views import view_matrix

        classes = injection_classes(injections)
        # named by their background star too: the out-of-fold metrics keep a star in one fold
        ids = injection_ids(injections, seed=seed)
        views, tab = view_matrix(  # one cached pipeline run gives both inputs
            lambda: injection_set(injections, seed=seed)[0],
            key=injection_key(injections, seed=seed),
            n_jobs=jobs,
        )
        X_inj = views if spec.kind == "views" else tab
        n_inj = {c: int((classes == c).sum()) for c in sorted(set(classes))}
        ds = LabelledSet(
            np.vstack([ds.X, X_inj]),
            np.concatenate([ds.y, (classes == "planet").astype(int)]),
            ds.ids + ids,
            ds.n_skipped,
            classes=None if ds.classes is None else np.concatenate([ds.classes, classes]),
        )
        labels = ds.classes if spec.kind == "views" else ds.y
    n_left_out = 0
    if host_labels == "detected":
        ds, n_left_out = _detected_only(ds, injections=injections, seed=seed)
        labels = ds.y
    t_data = time.perf_counter() - t0
    params: dict = {}
    if spec.suffix == ".pt":  # torch models
        params = {
            "device": device,
            "progress": progress,
            "checkpoint_dir": str(out / "checkpoints"),
        }
        if epochs is not None:
            params["epochs"] = epochs
    from ..models.training_data import star_groups

    groups = star_groups(ds.ids)  # injections into one real star: one calibration fold / side
    if spec.kind == "rawflux":  # the cadence of its rows, which predict puts light curves on
        params["cadence_minutes"] = cadence_minutes
    est = make_model(model, random_state=seed, **params)
    made = not out.exists()
    out.mkdir(parents=True, exist_ok=True)
    t1 = time.perf_counter()
    try:
        est.fit(ds.X, labels, groups=groups)
    except StarskopeError as exc:
        if made:  # nothing written: leave no empty folder behind
            _remove_empty_dirs(out)
        raise StarskopeError(f"cannot train {model} on {_data_counts(data, ds)}: {exc}") from exc
    t_fit = time.perf_counter() - t1
    cv = None
    if spec.suffix != ".pt":  # cheap to refit: out-of-fold metrics on the training data
        cv = _card_cv(model, ds, seed=seed, groups=groups, data=data)
    elif getattr(est, "history_", None):
        best = est.history_[est.best_epoch_ - 1]
        cv = {"validation_split": {k: best[k] for k in ("val_pr_auc", "val_roc_auc", "val_loss")}}
    cmd = _train_cmdline(
        model, data, seed, out, epochs, limit, injections, host_labels, cadence_minutes
    )
    path = save_model(est, out / f"{model}{spec.suffix}", metadata={"command": cmd})
    _write_card(
        out / f"{model}.md",
        model=model,
        spec=spec,
        est=est,
        data=[(str(p), file_md5(p) if Path(p).is_file() else None) for p in data]
        + (
            [(f"{injections} injections into real K2 noise, seed {seed}: {n_inj}", None)]
            if injections
            else []
        )
        + (
            [(f"detection labels: {n_left_out} {_LEFT_OUT}", None)]
            if host_labels == "detected"
            else []
        ),
        n=len(ds.y),
        n_pos=int(ds.y.sum()),
        seed=seed,
        metrics=cv,
        seconds={"load_data": t_data, "fit": t_fit},
        command=cmd,
    )
    if getattr(est, "history_", None):
        (out / "history.json").write_text(json.dumps(json_safe(est.history_), indent=1))
    typer.echo(
        f"wrote {path} and {out / (model + '.md')} ({len(ds.y)} stars, {ds.y.sum()} hosts"
        f"{_left_out_text(ds.n_skipped)})"
    )
    n_min = int(min(ds.y.sum(), len(ds.y) - ds.y.sum()))
    if n_min < SMALL_CLASS:
        typer.echo(
            f"starskope: warning: only {n_min} star(s) in the smaller class: the model can be no"
            " better than the host rate (check it with evaluate on other data); the shipped"
            " models were trained on 1,000 stars and more",
            err=True,
        )


def _reads_raw_flux(name: str) -> bool:
    """True for a registry model of raw flux (no search, so no signals to compare)."""
    from ..models.registry import MODELS

    spec = MODELS.get(name)
    return spec is not None and spec.kind == "rawflux"


def _class_counts(ds) -> str:
    """``"(8 stars: 2 hosts, 6 non-hosts)"``."""
    n_pos = int(ds.y.sum())
    return f"({len(ds.y)} stars: {n_pos} hosts, {len(ds.y) - n_pos} non-hosts)"


def _data_counts(data, ds) -> str:
    """``"a.csv, b.csv (8 stars: 2 hosts, 6 non-hosts)"``: what a training error was given."""
    return f"{', '.join(str(p) for p in data)} {_class_counts(ds)}"


def _remove_empty_dirs(path: Path) -> None:
    """Remove ``path`` and the empty folders in it, if nothing but empty folders is there."""
    for sub in sorted(Path(path).rglob("*"), key=lambda q: len(q.parts), reverse=True):
        if sub.is_dir():
            try:
                sub.rmdir()
            except OSError:
                return
    try:
        Path(path).rmdir()
    except OSError:
        pass


def _card_cv(model: str, ds, *, seed: int, groups, data) -> dict:
    """The model card's out-of-fold metrics on the training data; with too few stars for the
    folds (a fold's model cannot be trained), a note instead, and a warning: the model trained
    on all the data is kept."""
    from ..evaluate import binary_metrics, cv_scores
    from ..models.registry import make_model

    try:
        oof = cv_scores(
            lambda: make_model(model, random_state=seed),
            ds.X,
            ds.y,
            random_state=seed,
            groups=groups,  # injections into one real star in one fold (and its model's folds)
        )
    except StarskopeError as exc:
        n_pos = int(ds.y.sum())
        k = min(5, n_pos, len(ds.y) - n_pos)  # cv_scores' folds
        reason = (
            f"too few stars in {_data_counts(data, ds)} for {k}-fold cross-validation, whose "
            f"folds train on about {k - 1}/{k} of them: {exc}"
            if k >= 2
            else f"too few stars in {_data_counts(data, ds)}: {exc}"
        )
        typer.echo(
            f"starskope: warning: the model card's cross-validation was skipped ({reason}); "
            "the model trained on all the data is written",
            err=True,
        )
        return {"cross_validation": f"skipped: {reason}"}
    return {k: v for k, v in binary_metrics(ds.y, oof).items() if k != "confusion"}


#: The model card's words for the hosts ``--host-labels detected`` leaves out.
_LEFT_OUT = "hosts whose planet the search did not find left out"


def _check_detected_inputs(data: list[Path]) -> None:
    """Before any pipeline run: every table given to ``--host-labels detected`` has the truth
    table its hosts' periods come from."""
    from ..simulate.output import truth_path

    for p in data:
        if Path(p).is_file() and not truth_path(p).exists():
            raise StarskopeError(
                f"--host-labels detected reads each host's planet period from the truth table "
                f"beside a simulated table, and {p} has none ({truth_path(p).name}); train it "
                "with --host-labels star"
            )


def _detected_only(ds, *, injections: int, seed: int) -> tuple:
    """The rows of ``ds`` (tabular features) that detection labels train on, and how many
    hosts were left out (:func:`starskope.models.training_data.detection_labels`)."""
    import numpy as np

    from ..features.tabular import FEATURE_NAMES
    from ..models.data import LabelledSet
    from ..models.training_data import detection_labels, known_periods

    known = known_periods(ds.ids, injections=injections, seed=seed)
    found = 10.0 ** ds.X[:, FEATURE_NAMES.index("log_period")]
    keep = detection_labels(ds.y, found, known, ids=ds.ids)
    if not ds.y[keep].any():
        raise StarskopeError(
            "--host-labels detected: the search found none of the hosts' planets, so no "
            "positive is left to train on"
        )
    out = LabelledSet(
        ds.X[keep],
        ds.y[keep],
        [i for i, k in zip(ds.ids, keep, strict=True) if k],
        ds.n_skipped,
        classes=None if ds.classes is None else ds.classes[keep],
    )
    return out, int(np.count_nonzero(~keep))


def _left_out_text(n: int) -> str:
    """``"; N inputs left out (...)"`` when inputs were unreadable or unlabelled, else ``""``."""
    if not n:
        return ""
    return f"; {n} input{'s' if n > 1 else ''} left out (unreadable or unlabelled, named above)"


#: ``--prior``'s help, shared by predict and evaluate.
PRIOR_HELP = (
    "Host rate of the scored population, in (0, 1), or 'auto': estimated from the scores"
    " themselves (Saerens et al. 2002; the model must be calibrated, and non-hosts unlike its"
    " training data inflate it). Default: the model's training share (e.g. 0.306 for gbm; a"
    " survey's is nearer 0.01)."
)


def _prior_option(text: str | None) -> float | str | None:
    """``--prior``: None, ``"auto"`` or a rate in (0, 1)."""
    if text is None:
        return None
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0.0 < value < 1.0:
        raise StarskopeError(
            "--prior is a host rate strictly between 0 and 1, or 'auto'; got "
            + (repr(text) if value != value else str(value))
        )
    return value


def _training_share(est) -> float:
    from ..models.prior import score_prior

    train = score_prior(est)
    if train is None:
        raise StarskopeError(
            "--prior auto needs the model's training share of hosts, which this model file "
            "does not record; give --prior RATE"
        )
    return train


def _estimated_prior(scores, est) -> tuple[float, float]:
    """(training share, estimated share) for ``--prior auto``, said on stderr; with no score
    to go on (every star failed), the training share."""
    import sys

    from ..models.prior import estimate_prior

    train = _training_share(est)
    scores = [x for x in scores if x is not None]
    if not scores:
        print("starskope: --prior auto: no star was scored, nothing to estimate", file=sys.stderr)
        return train, train
    share = estimate_prior(scores, train_prior=train)
    edge = ""
    if share <= 0.5 / len(scores) * (1 + 1e-9) or share >= 1 - 0.5 / len(scores) * (1 + 1e-9):
        edge = (
            " (a limit: within half a star of 0 or 1, where the scores carry too little "
            "information to say more)"
        )
    few = ""
    if not edge and share * len(scores) < FEW_HOSTS_FOR_AUTO:
        few = (
            f". It rests on about {share * len(scores):.1f} hosts among {len(scores)} stars, too"
            " few to pin it (on a 570-star table with 5 hosts, gbm's estimate has been 2-6"
            " times low): give a known rate with --prior RATE where you have one"
        )
    print(
        f"starskope: --prior auto: host share estimated at {share:.4g}{edge} from "
        f"{len(scores)} scores; every score is moved to it from the model's training share "
        f"{train:.3g}{few}",
        file=sys.stderr,
    )
    return train, share


#: Below this many expected hosts (estimated share x stars), ``--prior auto`` says its estimate
#: is not to be trusted.
FEW_HOSTS_FOR_AUTO = 10


def _card_of(model) -> Path | None:
    """The model card beside a model file (``gbm.pkl`` -> ``gbm.md``), in a ``train --out``
    folder, or of a shipped model; None without one."""
    from ..models.registry import shipped_models

    p = Path(str(model))
    if p.is_dir():
        cards = sorted(p.glob("*.md"))
        return cards[0] if len(cards) == 1 else None
    if not p.is_file():
        p = shipped_models().get(str(model), p)
    card = p.with_suffix(".md")
    return card if card.is_file() else None


def _warn_if_trained_on(model, data) -> None:
    """Warn when a ``--data`` file is one the model was trained on (its md5 is in the model
    card): its metrics are training metrics, not a test (evaluate printed a ROC-AUC of 0.128
    on a CNN's own training table as a test result: an audit of the training workflow)."""
    import re
    import warnings

    from ..exceptions import StarskopeWarning
    from ..models.data import file_md5

    card = _card_of(model)
    try:
        trained = set(re.findall(r"md5 ([0-9a-f]{32})", card.read_text())) if card else set()
    except OSError:
        return
    for p in data:
        if trained and Path(p).is_file() and file_md5(p) in trained:
            warnings.warn(
                f"{p}: the model was trained on this file (its md5 is in {card.name}): the"
                " metrics below are training metrics, not a test of the model",
                StarskopeWarning,
                stacklevel=2,
            )


def _write_card(path, *, model, spec, est, data, n, n_pos, seed, metrics, seconds, command):
    from .. import __version__

    params = {k: v for k, v in est.get_params().items() if k not in ("progress", "checkpoint_dir")}
    lines = [
        f"# Model card: {model}",
        "",
        f"{spec.description}.",
        "",
        f"- starskope version: {__version__}",
        f"- input: {spec.kind}",
        f"- trained on {n} stars ({n_pos} planet hosts), seed {seed}",
        *(
            [f"- classes: {', '.join(str(c) for c in est.classes_)}"]
            if len(getattr(est, "classes_", ())) > 2
            else []
        ),
        f"- command: `{command}`",
        f"- seconds: {json.dumps({k: round(v, 1) for k, v in seconds.items()})}",
        "",
        "## Data",
        "",
        *[f"- `{p}`" + (f" (md5 {m})" if m else "") for p, m in data],
        "",
        "## Settings",
        "",
        "```json",
        json.dumps(params, indent=1, default=str),
        "```",
        "",
        "## Metrics on training data only (out-of-fold / validation split; not a test score)",
        "",
        "```json",
        json.dumps(json_safe(metrics), indent=1, default=float),
        "```",
        "",
    ]
    Path(path).write_text("\n".join(lines))


@app.command("predict")
def predict_command(
    files: list[str] = typer.Argument(..., help="Light-curve files, folders, globs or tables."),
    model: str | None = typer.Option(None, "--model", help="Shipped model name or model file."),
    json_out: bool = typer.Option(
        False,
        "--json",
        help="One JSON line per star (its label, when the input has one: 1 host, 0 not, in"
        " every input's scheme: a Kaggle table's 2 is 1 here).",
    ),
    explain: bool = typer.Option(True, "--explain/--no-explain", help="Add explanations."),
    fmt: str | None = typer.Option(None, "--format", help=FORMAT_HELP),
    flux_column: str | None = typer.Option(
        None, "--flux-column", help="Flux column (name or 0-based index) of table files."
    ),
    time_column: str | None = typer.Option(
        None, "--time-column", help="Time column (name or 0-based index) of table files."
    ),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
    prior: str | None = typer.Option(None, "--prior", help=PRIOR_HELP),
    survey: bool = typer.Option(
        False,
        "--survey",
        help="Compare the stars with each other before printing: a signal at the same period"
        " and times in stars observed together (the rows of one table; files with BJD times) is"
        " flagged common_ephemeris and a score that rests on it set to 0.",
    ),
    jobs: int = typer.Option(
        1,
        "--jobs",
        "-j",
        min=1,
        help="Worker processes for the models that run the search per star (gbm, views-cnn).",
    ),
) -> None:
    """Score stars: the probability that each hosts a transiting planet.

    For a population with the model's share of hosts, or --prior's (explanation.host_prior).
    """
    from ..io import iter_read
    from ..models.predict import predict_results
    from ..models.prior import score_prior
    from ..models.registry import DEFAULT_MODEL, load_model

    wanted = _prior_option(prior)
    loaded = load_model(model or DEFAULT_MODEL)
    if survey and _reads_raw_flux(loaded[0]):
        typer.echo(
            f"starskope: warning: --survey compares the stars' signals, and {loaded[0]} scores"
            " raw flux without searching for any: nothing is compared. Use `starskope search"
            f" --model {model or loaded[0]} --survey`, which searches first",
            err=True,
        )
    if isinstance(wanted, float):
        loaded[1].set_params(host_prior=wanted)
    share = score_prior(loaded[1])
    if wanted == "auto":
        _training_share(loaded[1])  # before any star is scored
    items = iter_read(
        files,
        format=fmt,
        flux_column=flux_column,
        time_column=time_column,
        cadence_minutes=cadence_minutes,
    )
    results = predict_results(items, model=loaded, explain=explain, n_jobs=jobs)
    from ..parallel import progress_bar

    n_failed = n_seen = 0
    rows = []
    with progress_bar("scoring", count_stars(files)) as advance:
        if survey or wanted == "auto":  # both need every star first: the lines come at the end
            every = []
            for res in results:
                every.append(res)
                advance(1)
            from ..vet.ephemeris import flag_common_signals

            flagged = flag_common_signals(every) if survey else every
            if wanted == "auto":
                from ..models.predict import at_prior

                # the share from the scores as they will stand (a vetoed signal's star
                # rescored); the flags' reasons quote scores, so flag again at that share
                train, share = _estimated_prior(
                    [r.score for r in flagged if r.error is None], loaded[1]
                )
                every = [
                    at_prior(r, train_prior=train, host_prior=share, estimated=True) for r in every
                ]
                flagged = flag_common_signals(every) if survey else every
            for res in flagged:
                n_seen += 1
                n_failed += emit_result(res, json_out=json_out, rows=rows)
        else:
            for res in results:
                n_seen += 1
                advance(1)
                n_failed += emit_result(res, json_out=json_out, rows=rows)
    if not n_seen:
        from ..io.registry import no_light_curves

        raise no_light_curves(files)
    if not json_out:
        from rich.markup import escape
        from rich.table import Table

        at = "" if share is None else f"; scores at a host share of {share:.3g}"
        table = Table(title=f"starskope predict ({model or DEFAULT_MODEL}{at})")
        for col in ("input", "row", "host (truth)", "score", "classes"):
            table.add_column(col)
        for r in rows:
            probs = ", ".join(f"{k} {v:.3f}" for k, v in (r.class_probabilities or {}).items())
            table.add_row(
                escape(Path(r.path or "?").name),
                "" if r.row is None else str(r.row),
                "" if r.label is None else str(r.label),
                "[red]error[/red]" if r.error else f"{r.score:.4g}",
                escape(r.error or probs),
            )
        _console().print(table)
    if n_failed:
        raise SystemExit(1)


#: Fewest bootstrap resamples ``evaluate --boot`` takes (besides 0, no intervals): with 100,
#: each end of a 95% percentile interval has 2-3 resamples beyond it; with under 40, none.
MIN_BOOT = 100


@app.command("evaluate")
def evaluate_command(
    model: str = typer.Option(..., "--model", help="Shipped model name or model file."),
    data: list[Path] = typer.Option(..., "--data", help="Labelled test data (repeatable)."),
    out: Path = typer.Option(..., "--out", help="Folder for metrics.json and plots."),
    threshold: float = typer.Option(0.5, "--threshold", help="Decision threshold on the score."),
    n_boot: int = typer.Option(
        1000,
        "--boot",
        help=f"Bootstrap resamples for the intervals: 0 (none) or at least {MIN_BOOT}.",
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Bootstrap seed."),
    limit: int | None = typer.Option(
        None,
        "--limit",
        help="Use at most this many stars, over all --data inputs in order (a Kaggle table's"
        " first rows: the layout lists its hosts first).",
    ),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, help="Worker processes for feature extraction."
    ),
    prior: str | None = typer.Option(None, "--prior", help=PRIOR_HELP),
    cadence_minutes: float | None = typer.Option(None, "--cadence-minutes", help=CADENCE_HELP),
) -> None:
    """Evaluate a model once on labelled test data: table with CIs and plots."""
    import numpy as np

    from ..evaluate import bootstrap_metrics, calibration_metrics, reliability
    from ..features.rawflux import model_cadence_minutes
    from ..models.data import load_labelled
    from ..models.prior import score_prior
    from ..models.registry import MODELS, load_model

    if not 0.0 <= threshold <= 1.0:
        raise StarskopeError(f"--threshold is a probability in [0, 1]; got {threshold}")
    if n_boot < 0:
        raise StarskopeError(f"--boot must be >= 0 (0: no intervals); got {n_boot}")
    if 0 < n_boot < MIN_BOOT:
        raise StarskopeError(
            f"--boot must be 0 (no intervals) or at least {MIN_BOOT}; got {n_boot}: the 95% "
            "interval's ends are the 2.5th and 97.5th percentiles of the resamples, which a "
            "few resamples cannot place (one gives an 'interval' of a single resample's value, "
            "which can exclude the estimate itself)"
        )
    wanted = _prior_option(prior)
    name, est = load_model(model)
    if isinstance(wanted, float):
        est.set_params(host_prior=wanted)
    spec = MODELS[name]
    output_dir_later(out, what="--out folder")  # made once there is something to write
    _warn_if_trained_on(model, data)
    ds = load_labelled(
        data,
        kind=spec.kind,
        n_jobs=jobs,
        limit=limit,
        n_points=getattr(est, "n_points_", None),
        warn_resampled=True,
        cadence_minutes=cadence_minutes,
        model_cadence_minutes=model_cadence_minutes(est) if spec.kind == "rawflux" else None,
    )
    _check_both_classes(data, ds)
    proba = est.predict_proba(ds.X)
    classes = list(est.classes_)
    col = classes.index(1) if 1 in classes else classes.index("planet")
    s = np.asarray(proba[:, col], dtype=float)
    prior_used = score_prior(est)
    if wanted == "auto":  # estimated without the labels, as predict would
        from ..models.prior import shift_planet

        train, prior_used = _estimated_prior(s, est)
        s = shift_planet(s, train_prior=train, host_prior=prior_used)
        calib_extra = {"host_prior_estimated": True}
    else:
        calib_extra = {}
    tab = bootstrap_metrics(ds.y, s, threshold=threshold, n_boot=n_boot, random_state=seed)
    calib = calibration_metrics(ds.y, s)
    out.mkdir(parents=True, exist_ok=True)
    report = {
        "model": name,
        "data": [str(p) for p in data],
        "n_stars": len(ds.y),
        "n_hosts": int(ds.y.sum()),
        "n_left_out": int(ds.n_skipped),
        "value": tab.value,
        "low": tab.low,
        "high": tab.high,
        "level": tab.level,
        "note": tab.note,
        "calibration": {**calib, "host_prior": prior_used, **calib_extra},
        "reliability": {
            "bins": "ten of equal width in log score (as reliability.png)",
            **{k: v.tolist() for k, v in reliability(ds.y, s, strategy="log").items()},
        },
    }
    (out / "metrics.json").write_text(json.dumps(json_safe(report), indent=1, default=float))
    _write_scores(out / "scores.csv", ds, s)
    _plots(out, ds.y, s, tab.value["confusion"], getattr(est, "history_", None), ds.classes, name)
    from rich.markup import escape
    from rich.table import Table

    t = Table(title=f"starskope evaluate {name}: {len(ds.y)} stars, {int(ds.y.sum())} hosts")
    for c in ("metric", "value", f"{tab.level:.0%} interval"):
        t.add_column(c)
    for k, v, lo, hi in tab.rows():
        interval = escape(f"[{lo:.3f}, {hi:.3f}]") if lo == lo and hi == hi else "-"
        t.add_row(k, "-" if v != v else f"{v:.3f}", interval)
    con = _console()
    con.print(t)
    con.print(
        f"confusion [[tn, fp], [fn, tp]] at {threshold}: {tab.value['confusion']}", markup=False
    )
    con.print(_calibration_text(calib, prior_used), markup=False)
    if tab.note:
        con.print(f"[yellow]note:[/yellow] {tab.note}")
    if ds.n_skipped:
        con.print(f"[yellow]note:[/yellow] {_left_out_text(ds.n_skipped)[2:]}")
    con.print(f"wrote {out}/metrics.json, {out}/scores.csv (each star's score) and plots")


def _write_scores(path, ds, scores) -> None:
    """Each evaluated star's id, label (1 host, 0 not) and score, in the order evaluated: the
    metrics can be checked, or others computed, without running ``predict`` again."""
    import csv

    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "label", "score"])
        for ident, y, sc in zip(ds.ids, ds.y, scores, strict=True):
            w.writerow([ident, int(y), f"{float(sc):.6g}"])


def _check_both_classes(data, ds) -> None:
    """Refuse test data without hosts or without non-hosts, before anything is written: the
    ROC and precision-recall curves (roc.png, pr.png), PR-AUC and ROC-AUC need both."""
    n_pos = int(ds.y.sum())
    n_neg = len(ds.y) - n_pos
    if n_pos and n_neg:
        return
    missing = "no hosts" if not n_pos else "no non-hosts"
    raise StarskopeError(
        f"{', '.join(str(p) for p in data)} hold{'s' * (len(data) == 1)} {missing}"
        f" {_class_counts(ds)}: ROC and precision-recall (ROC-AUC, PR-AUC, roc.png, pr.png) are "
        "undefined without both classes; evaluate on data with hosts and non-hosts (predict "
        "scores stars of one class)"
        + (
            "; in a Kaggle-layout table a host is LABEL 2 and 1 is none (labels 0/1 are read"
            " so only when a 0 is among them)"
            if not n_pos
            else ""
        )
    )


def _calibration_text(calib: dict, prior: float | None) -> str:
    """One line: is the score a probability on this data (Brier, ECE, mean score vs rate)?"""
    at = "" if prior is None else f" (scores at a host prior of {prior:.3g})"
    text = (
        f"calibration{at}: Brier {calib['brier']:.4f} (always the host share: "
        f"{calib['brier_reference']:.4f}), ECE {calib['ece']:.3f}, mean score "
        f"{calib['mean_score']:.3f} against a host share of {calib['host_rate']:.3f}"
    )
    if (
        prior is not None
        and 0.0 < calib["host_rate"] < 1.0  # --prior is strictly between 0 and 1
        and abs(prior - calib["host_rate"]) > 0.5 * max(prior, calib["host_rate"])
    ):
        text += (
            f"; these data's host share differs from the prior: --prior "
            f"{calib['host_rate']:.3g} scores them at their own"
        )
    return text


def _plots(out: Path, y, s, confusion, history, classes=None, name=None) -> None:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from ..models import plots

    jobs = [
        ("roc.png", lambda ax: plots.plot_roc(y, s, ax=ax, label=name)),
        ("pr.png", lambda ax: plots.plot_pr(y, s, ax=ax, label=name)),
        ("reliability.png", lambda ax: plots.plot_reliability(y, s, ax=ax, label=name)),
        ("confusion.png", lambda ax: plots.plot_confusion(confusion, ax=ax)),
        (
            "scores.png",
            lambda ax: plots.plot_score_distributions(y if classes is None else classes, s, ax=ax),
        ),
    ]
    if history:
        jobs.append(("history.png", lambda ax: plots.plot_history(history, ax=ax)))
    for fname, fn in jobs:
        fig, ax = plt.subplots(figsize=(5, 4))
        if len(set(y)) > 1 or fname in ("confusion.png", "history.png", "scores.png"):
            fn(ax)
        fig.tight_layout()
        fig.savefig(out / fname, dpi=100)
        plt.close(fig)
