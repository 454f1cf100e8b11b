"""``starskope search``: JSON lines per input, errors as lines, exit code, table output."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from starskope import StarskopeError
from starskope.cli import main
from starskope.config import PipelineConfig


def _write_csv(path, rng, *, transit=True):
    t = 2000.0 + np.arange(0, 30, 0.0204)
    f = 1 + rng.normal(0, 2e-4, t.size)
    if transit:
        f[np.abs((t - 2001.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    path.write_text(
        "time,flux,flux_err\n" + "\n".join(f"{a},{b},2e-4" for a, b in zip(t, f, strict=True))
    )
    return path


@pytest.fixture
def csv_files(tmp_path, rng):
    pytest.importorskip("starskope.io.registry")
    a = _write_csv(tmp_path / "planet.csv", rng)
    b = _write_csv(tmp_path / "quiet.csv", rng, transit=False)
    return a, b


def test_json_lines_one_per_input_and_errors_go_on(csv_files, tmp_path, capsys):
    a, b = csv_files
    missing = tmp_path / "missing.fits"
    code = main(["search", str(a), str(missing), str(b), "--json", "--max-planets", "2"])
    out = capsys.readouterr().out.strip().splitlines()
    assert code == 1  # one input failed
    assert len(out) == 3
    rows = [json.loads(line) for line in out]
    assert rows[1]["error"] and "missing.fits" in rows[1]["path"]
    planet, quiet = rows[0], rows[2]
    for r in (planet, quiet):
        assert {"path", "mission", "target", "candidates", "is_candidate", "score"} <= set(r)
        assert r["error"] is None
    c = planet["candidates"][0]
    for key in ("period_days", "t0_bjd", "duration_hours", "depth_ppm", "snr", "sde"):
        assert key in c
    assert {"n_transits", "flags"} <= set(c)
    assert c["period_days"] == pytest.approx(3.2, rel=3e-3)
    assert c["depth_ppm"] == pytest.approx(2000, rel=0.2)
    snrs = [x["snr"] for x in planet["candidates"]]
    assert snrs == sorted(snrs, reverse=True)
    assert quiet["is_candidate"] is False


def test_all_good_exits_zero_and_table(csv_files, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    a, _ = csv_files
    assert main(["search", str(a)]) == 0
    out = capsys.readouterr().out
    assert "starskope search" in out and "planet.csv" in out
    assert "no absolute level" not in out
    # the box's depth and duration beside the transit fit's (the fit's are the transit's own)
    assert "depth (ppm): box / fit" in out and "limb-darkened transit fit" in out
    assert re.search(r"\d+ ± \d+ / \d+", out) and re.search(r"\d\.\d\d / \d\.\d\d", out)


def test_depths_of_flux_without_a_level_are_marked_in_the_table(tmp_path, rng, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    a = _write_csv(tmp_path / "planet.csv", rng)
    lines = a.read_text().splitlines()
    rows = [line.split(",") for line in lines[1:]]
    a.write_text(  # the same star with its level subtracted: offsets around zero, in e-/s
        "time,flux\n" + "\n".join(f"{t},{(float(f) - 1) * 5e3 + 0.3}" for t, f, _ in rows)
    )
    assert main(["search", str(a)]) == 0
    out = capsys.readouterr().out
    assert "* the input flux has no absolute level" in out
    assert any("planet.csv" in line and "*" in line for line in out.splitlines())


def test_a_single_transit_shows_its_least_period(tmp_path, rng, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    t = 2000.0 + np.arange(0, 30, 0.0204)
    f = 1 + rng.normal(0, 2e-4, t.size)
    f[np.abs(t - 2021.0) < 0.1] -= 3e-3  # one transit, 21 d from the start
    a = tmp_path / "one.csv"
    a.write_text("time,flux\n" + "\n".join(f"{x},{y}" for x, y in zip(t, f, strict=True)))
    assert main(["search", str(a)]) == 0
    out = capsys.readouterr().out
    assert re.search(r">= 2[01]\.\d+ \(1 (transit|dip)\)", out)


def test_bad_method_is_one_line_error(csv_files, capsys):
    a, _ = csv_files
    assert main(["search", str(a), "--method", "gls"]) == 2
    err = capsys.readouterr().err
    assert "--method must be one of" in err and "Traceback" not in err


@pytest.fixture
def configs(monkeypatch):
    """The `PipelineConfig` of every `analyse` call the CLI makes, in order."""
    import starskope.pipeline as pipeline

    seen = []
    real = pipeline.analyse

    def spy(lc, config=None, **kw):
        seen.append(config)
        return real(lc, config, **kw)

    monkeypatch.setattr(pipeline, "analyse", spy)
    return seen


def test_alternate_peaks_option(csv_files, capsys, configs):
    a, _ = csv_files
    assert main(["search", str(a), "--json", "--alternate-peaks", "0"]) == 0
    row = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert row["candidates"][0]["period_days"] == pytest.approx(3.2, rel=3e-3)
    assert main(["search", str(a), "--json"]) == 0
    capsys.readouterr()
    seen = [c.alternate_peaks for c in configs]
    assert seen == [0, 3]  # the option, then the configuration's default
    assert main(["search", str(a), "--json", "--durations", "2, 1,4"]) == 0
    capsys.readouterr()
    assert main(["search", str(a), "--durations", "1,-2"]) == 2
    assert "--durations takes hours between 0 and 72" in capsys.readouterr().err
    hours = [c.durations_hours for c in configs]
    assert hours[-1] == (1.0, 2.0, 4.0) and hours[0] == PipelineConfig().durations_hours
    assert main(["search", str(a), "--alternate-peaks", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--alternate-peaks must be >= 0; got -1" in err and "Traceback" not in err


def test_detrend_option_applies_to_every_star(csv_files, capsys, configs):
    a, _ = csv_files
    for d in ("biweight", "rotation", "none"):
        assert main(["search", str(a), "--json", "--detrend", d]) == 0
    out = [json.loads(x) for x in capsys.readouterr().out.strip().splitlines()]
    # an explicit detrender holds for active stars too; "rotation" keeps its own active handling
    seen = [(c.detrend_method, c.active_detrend_method) for c in configs]
    assert seen == [("biweight", None), ("rotation", "rotation"), ("none", None)]
    assert out[2]["reasons"][0] == "Not detrended (detrend method none)."
    assert main(["search", str(a), "--detrend", "gp"]) == 2
    assert "'rotation'" in capsys.readouterr().err


def test_plot_writes_one_png_per_star(csv_files, tmp_path, capsys):
    pytest.importorskip("starskope.plotting")
    a, b = csv_files
    out = tmp_path / "plots"
    assert main(["search", str(a), str(b), "--json", "--plot", str(out)]) == 0
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 2
    assert all(p.read_bytes()[:4] == b"\x89PNG" for p in pngs)
    assert len(capsys.readouterr().out.strip().splitlines()) == 2


def test_plot_names_unique_and_an_unwritable_plot_only_warns(csv_files, tmp_path, capsys):
    pytest.importorskip("starskope.plotting")
    a, _ = csv_files
    other = tmp_path / "other"
    other.mkdir()
    twin = other / a.name  # the same file name (and target) in another folder
    twin.write_bytes(a.read_bytes())
    out = tmp_path / "plots"
    assert main(["search", str(a), str(twin), "--json", "--plot", str(out)]) == 0
    assert len(list(out.glob("*.png"))) == 2  # the second did not overwrite the first
    capsys.readouterr()
    # a folder where a plot should go: a warning on stderr, and every result still printed
    blocked = tmp_path / "blocked"
    (blocked / "planet.png").mkdir(parents=True)
    code = main(["search", str(a), str(twin), "--json", "--plot", str(blocked)])
    cap = capsys.readouterr()
    assert code == 0 and len(cap.out.strip().splitlines()) == 2
    assert "warning: cannot write the plot" in cap.err and "Traceback" not in cap.err
    assert (blocked / "planet_2.png").exists()


def test_model_fills_the_score(capsys):
    """Issue 5: with --model, 'score' in search --json is the model's calibrated probability."""
    pytest.importorskip("sklearn")
    from starskope.datasets import demo_files

    path = next(p for p in demo_files() if "wasp18" in p.name)
    rc = main(["search", "--json", "--model", "gbm", str(path)])
    assert rc == 0
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["score"] is not None and 0.0 <= line["score"] <= 1.0
    assert line["class_probabilities"]
    assert line["candidates"][0]["period_days"] == pytest.approx(0.9415, rel=1e-3)


def test_time_and_flux_columns_can_be_named(tmp_path, rng, capsys):
    """Columns starskope cannot place by name are named on the command line."""
    src = _write_csv(tmp_path / "planet.csv", rng)
    rows = src.read_text().splitlines()[1:]
    odd = tmp_path / "odd.csv"
    junk = 7 + rng.normal(0, 1e-3, len(rows))
    odd.write_text(
        "stamp,junk,signal\n"
        + "\n".join(
            f"{r.split(',')[0]},{j},{r.split(',')[1]}" for r, j in zip(rows, junk, strict=True)
        )
    )
    assert main(["search", str(odd), "--json"]) == 0  # "junk" taken as the flux: no planet
    assert not json.loads(capsys.readouterr().out)["is_candidate"]
    assert (
        main(["search", str(odd), "--json", "--time-column", "stamp", "--flux-column", "signal"])
        == 0
    )
    res = json.loads(capsys.readouterr().out)
    assert res["is_candidate"] and abs(res["candidates"][0]["period_days"] - 3.2) < 0.01
    # a constant column taken for the flux is a one-line error, not a silent non-detection
    odd.write_text(
        "stamp,junk,signal\n" + "\n".join(f"{r.split(',')[0]},7,{r.split(',')[1]}" for r in rows)
    )
    assert main(["search", str(odd), "--json"]) == 1
    assert "error" in json.loads(capsys.readouterr().out)


def test_period_range_options(tmp_path, rng, capsys):
    """An ultra-short-period planet (0.3 d) is found with --min-period 0.2, and by default too
    (the search's two halves of it at 0.6 d are reported as one planet at 0.3 d); a bad range
    is one line."""
    t = 2000.0 + np.arange(0, 20, 0.0204)
    f = 1 + rng.normal(0, 2e-4, t.size)
    f[np.abs((t - 2000.1 + 0.15) % 0.3 - 0.15) < 0.025] -= 1.5e-3
    p = tmp_path / "usp.csv"
    p.write_text("time,flux\n" + "\n".join(f"{a},{b}" for a, b in zip(t, f, strict=True)))
    main(["search", str(p), "--json", "--min-period", "0.2", "--max-period", "5"])
    best = json.loads(capsys.readouterr().out.strip().splitlines()[0])["candidates"][0]
    assert best["period_days"] == pytest.approx(0.3, rel=2e-3)
    main(["search", str(p), "--json"])
    best = json.loads(capsys.readouterr().out.strip().splitlines()[0])["candidates"][0]
    assert best["period_days"] == pytest.approx(0.3, rel=2e-3) and best["is_planet_like"]
    assert main(["search", str(p), "--min-period", "2", "--max-period", "1"]) == 2
    err = capsys.readouterr().err
    assert "--max-period (1.0) must exceed --min-period (2.0)" in err and "Traceback" not in err
    assert main(["search", str(p), "--max-period", "0.1"]) == 2  # below the default shortest
    err = capsys.readouterr().err  # (it said PipelineConfig.max_period_days, Python's name)
    assert "--max-period (0.1) must exceed --min-period (0.5, the default)" in err
    # a longest period beyond half the baseline is capped there, and the result says so
    main(["search", str(p), "--json", "--max-period", "1000"])
    reasons = json.loads(capsys.readouterr().out)["reasons"]
    assert any(
        "half the 19.99-d baseline" in r and "not the 1000 d asked for" in r for r in reasons
    )
    main(["search", str(p), "--json", "--min-period", "15"])
    err = json.loads(capsys.readouterr().out)["error"]
    assert "search shorter periods (--min-period; Python: PipelineConfig(min_period_days" in err


def test_a_raw_flux_model_adds_its_score_to_the_search(csv_files, capsys):
    """--model with a raw-flux model: the transit search still runs (candidates, vetting) and
    the model's probability is the score."""
    pytest.importorskip("torch")
    a, _ = csv_files
    assert main(["search", str(a), "--json", "--model", "original-cnn"]) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert res["is_candidate"] and res["candidates"][0]["period_days"] == pytest.approx(3.2, 3e-3)
    assert 0.0 <= res["score"] <= 1.0 and res["explanation"]["model"]["model"] == "original-cnn"
    # the table shows the score too (it was only in the JSON: a new user's audit of the README)
    assert main(["search", str(a), "--model", "original-cnn"]) == 0
    out = capsys.readouterr().out
    assert "score" in out and f"{res['score']:.3f}" in out
    assert main(["search", str(a)]) == 0
    assert "score" not in capsys.readouterr().out  # no model, no column


def test_plot_and_a_raw_flux_model_run_the_pipeline_once(csv_files, tmp_path, capsys, monkeypatch):
    pytest.importorskip("torch")
    import starskope.pipeline as pipeline

    calls = []
    real = pipeline.analyse_full

    def counted(lc, config=pipeline.PipelineConfig()):
        calls.append(lc.meta.source)
        return real(lc, config)

    monkeypatch.setattr(pipeline, "analyse_full", counted)
    a, _ = csv_files
    args = ["search", str(a), "--json", "--model", "original-cnn", "--plot", str(tmp_path / "p")]
    assert main(args) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert res["candidates"] and 0.0 <= res["score"] <= 1.0
    assert len(calls) == 1 and len(list((tmp_path / "p").glob("*.png"))) == 1


def test_plot_is_drawn_with_the_models_score(csv_files, tmp_path, capsys, monkeypatch):
    """The plot's title carries the printed score: it was drawn before the model ran."""
    import starskope.plotting as plotting

    drawn = []
    monkeypatch.setattr(
        plotting, "plot_diagnostics", lambda full, path: drawn.append(full.result.score)
    )
    a, _ = csv_files
    args = ["search", str(a), "--json", "--model", "rbm", "--plot", str(tmp_path / "p")]
    assert main(args) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert res["score"] is not None and drawn == [res["score"]]


def test_table_lists_one_signal_found_several_times_once(tmp_path, rng, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    t = 1325.0 + np.arange(0, 27.0, 30 / 1440)
    ph = ((t - 1325.1) / 0.5358) % 1.0
    shape = np.where(ph < 0.15, ph / 0.15, 1 - (ph - 0.15) / 0.85)
    f = 1.0 + 0.35 * (shape - 0.5) + rng.normal(0, 1e-3, t.size)
    p = tmp_path / "rrl.csv"
    p.write_text("time,flux\n" + "\n".join(f"{a},{b}" for a, b in zip(t, f, strict=True)))
    assert main(["search", str(p), "--json"]) == 0
    cands = json.loads(capsys.readouterr().out)["candidates"]
    n_same = sum("same_source" in c["flags"] for c in cands)
    assert n_same >= 1
    assert main(["search", str(p)]) == 0
    out = capsys.readouterr().out
    assert out.count("0.53") == len(cands) - n_same == 1
    assert f"{n_same} more signal(s) flagged same_source" in out


def test_flags_cell_tells_notes_from_rejections():
    from starskope.cli.search import _flags_cell
    from starskope.result import Candidate, VetFlag

    base = dict(
        period_days=3.0, t0=1.0, t0_format="btjd", t0_bjd=2457001.0, duration_hours=2.0,
        depth_ppm=500.0, depth_ppm_err=50.0, snr=12.0, sde=10.0, power=1.0, n_transits=8,
    )  # fmt: skip
    alias = VetFlag("alias", True, 0.9, "P/2")
    c = Candidate(**base, vetting=(alias,), is_planet_like=True, known="known planet K2-3 b")
    assert _flags_cell(c) == "planet-like (note: alias); known planet K2-3 b"
    odd = VetFlag("odd_even", True, 4.0, "odd and even differ")
    c = Candidate(**base, vetting=(alias, odd), is_planet_like=False, known="new")
    assert _flags_cell(c) == "alias,odd_even"
    assert _flags_cell(Candidate(**base, is_planet_like=True, known="new")) == "planet-like"


def test_names_that_look_like_rich_markup_are_printed_as_they_are(
    tmp_path, rng, capsys, monkeypatch
):
    """A file named '[red]pwn.csv' lost its brackets; an OBJECT of '[/bold] closing' crashed the
    catalog tables (rich MarkupError)."""
    from starskope.cli.scan import _print_table

    monkeypatch.setenv("COLUMNS", "200")
    t = np.arange(0, 20, 0.02)
    p = tmp_path / "[red]pwn.csv"
    p.write_text("time,flux\n" + "\n".join(f"{x:.3f},{1 + 1e-4 * rng.normal():.6f}" for x in t))
    assert main(["search", str(p)]) == 0
    assert "[red]pwn.csv" in capsys.readouterr().out
    _print_table(["target"], [["[/bold] closing"]], title="[/x] top")
    out = capsys.readouterr().out
    assert "[/bold] closing" in out and "[/x] top" in out


def test_subtract_repeats_option(csv_files, capsys, configs):
    a, _ = csv_files
    assert main(["search", str(a), "--json", "--subtract-repeats", "0"]) == 0
    assert main(["search", str(a), "--json"]) == 0
    capsys.readouterr()
    assert [c.subtract_repeats for c in configs] == [0, 2]  # the option, then the default
    assert main(["search", str(a), "--subtract-repeats", "-1"]) == 2
    err = capsys.readouterr().err
    assert "--subtract-repeats must be >= 0; got -1" in err and "Traceback" not in err


def test_search_draws_a_progress_bar_on_a_terminal(tmp_path, rng, capsys, monkeypatch):
    """A Kaggle table of thousands of rows takes minutes: like predict, evaluate and train,
    search shows its progress on stderr (a terminal only), and stdout keeps the JSON lines."""
    from starskope.io.kaggle import write_kaggle

    flux = 1000 + rng.normal(0, 1, size=(20, 3197))
    table = write_kaggle(tmp_path / "t.csv", flux, np.ones(20, int))
    monkeypatch.setattr("starskope.parallel.shows_progress", lambda total: True)
    assert main(["search", str(table), "--json", "--max-planets", "1"]) == 0
    out = capsys.readouterr()
    assert len(out.out.strip().splitlines()) == 20
    assert "searching" in out.err and "20/20" in out.err


def test_the_search_plot_is_drawn_when_the_model_fails(csv_files, tmp_path, capsys, monkeypatch):
    import starskope.models.predict as predict
    import starskope.plotting as plotting
    from starskope.exceptions import StarskopeError

    drawn = []
    monkeypatch.setattr(plotting, "plot_diagnostics", lambda full, path: drawn.append(path))

    def broken(*a, **k):
        raise StarskopeError("the model broke")

    monkeypatch.setattr(predict, "predict_results", broken)
    a, _ = csv_files
    args = ["search", str(a), "--json", "--model", "rbm", "--plot", str(tmp_path / "p")]
    assert main(args) == 1
    assert "the model broke" in capsys.readouterr().out and len(drawn) == 1


def test_a_raw_flux_model_that_cannot_score_leaves_the_search_standing(tmp_path, capsys):
    """A light curve too short for a raw-flux model's rows: the model's error used to replace
    the whole result (no candidates). The search's result stands, without a score, and says
    why."""
    pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    t = 1500.0 + np.arange(0, 4.0, 30 / 1440)  # 192 half-hour samples: under the model's 319
    f = 1 + 3e-4 * rng.normal(size=t.size)
    for c in (1500.7, 1501.9, 1503.1):
        f[np.abs(t - c) < 0.05] -= 0.01
    p = tmp_path / "short.csv"
    np.savetxt(p, np.c_[t, f], delimiter=",", header="time,flux", comments="")
    assert main(["search", str(p), "--json", "--model", "original-cnn", "--min-period", "0.5"]) == 0
    res = json.loads(capsys.readouterr().out.strip().splitlines()[0])
    assert res["error"] is None and res["candidates"]
    assert res["candidates"][0]["period_days"] == pytest.approx(1.2, rel=0.02)
    assert res["explanation"]["model"]["error"].endswith("scores none below 319")
    assert any(r.startswith("The original-cnn model gave no score") for r in res["reasons"])


def test_a_model_of_the_candidates_scores_no_day_of_data(tmp_path, capsys):
    """gbm scored one day of a Kaggle row 0.37, above the whole row's 0.22: a light curve of
    under 6.5 days (a tenth of the 65-day ones it was trained on) gets no score; ``search``
    keeps its result and says why, ``predict`` names the row and the span."""
    pytest.importorskip("sklearn")
    from starskope.io.kaggle import write_kaggle

    rng = np.random.default_rng(3)
    short = write_kaggle(tmp_path / "short.csv", 1000 + rng.normal(size=(2, 200)), [2, 1])
    assert main(["search", str(short), "--json", "--model", "gbm"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert len(lines) == 2
    for res in lines:
        assert res["error"] is None and res["score"] is None
        assert "the gbm model scores none shorter than 6.5" in res["explanation"]["model"]["error"]
        assert any(r.startswith("The gbm model gave no score") for r in res["reasons"])
    assert main(["predict", str(short), "--json", "--model", "gbm", "--no-explain"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["row"] for d in lines] == [0, 1]
    assert all("spans 4.07 days" in d["error"] for d in lines)
    # the same 200 samples in a row of the layout's full width, empty cells after them: the
    # span of the samples with flux, not the row's 65 days (they were scored: an audit of the
    # training workflow)
    padded = np.full((2, 3197), np.nan)
    padded[:, :200] = 1000 + rng.normal(size=(2, 200))
    wide = write_kaggle(tmp_path / "padded.csv", padded, [2, 1])
    assert main(["predict", str(wide), "--json", "--model", "gbm", "--no-explain"]) == 1
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert all("spans 4.07 days" in d["error"] and d["score"] is None for d in lines)


def test_prewhiten_pulsations_option_reaches_the_pipeline(csv_files, capsys, configs):
    """``--no-prewhiten-pulsations`` turns the pulsation prewhitening off, the flag or nothing
    leaves it on; ``scan`` takes the same option (its help lists it)."""
    a, _ = csv_files
    for args in (["--no-prewhiten-pulsations"], ["--prewhiten-pulsations"], []):
        assert main(["search", str(a), "--json", *args]) == 0
        capsys.readouterr()
    assert [c.prewhiten_pulsations for c in configs] == [False, True, True]
    import typer

    from starskope.cli import app

    scan = typer.main.get_command(app).commands["scan"]
    flag = next(p for p in scan.params if p.name == "prewhiten_pulsations")
    assert flag.opts == ["--prewhiten-pulsations"] and flag.secondary_opts == [
        "--no-prewhiten-pulsations"
    ]


def test_quality_bitmask_option_and_an_all_flagged_light_curve(tmp_path, rng, capsys, configs):
    # every cadence flagged with a bit the mask drops: the error says the flags took them and
    # how to keep them (a named mask keeps every flag of a file of unknown mission)
    t = 2000.0 + np.arange(0, 30, 0.0204)
    f = 1 + rng.normal(0, 2e-4, t.size)
    f[np.abs((t - 2001.0 + 1.6) % 3.2 - 1.6) < 0.05] -= 2e-3
    p = tmp_path / "flagged.csv"
    p.write_text("time,flux,quality\n" + "\n".join(f"{a},{b},5" for a, b in zip(t, f, strict=True)))
    assert main(["search", str(p), "--json", "--quality-bitmask", "0x4"]) == 1
    row = json.loads(capsys.readouterr().out)
    assert re.search(
        r"only 0 usable cadences .*: the bitmask 4 drops 1471 of the 1471 cadences with finite"
        r" time and flux \(flag bits 3, counted from 1\)\. To keep them: search or scan --quality-bitmask none",
        row["error"],
    )
    for option in ("NONE", "default"):
        assert main(["search", str(p), "--json", "--quality-bitmask", option]) == 0
        row = json.loads(capsys.readouterr().out)
        assert row["is_candidate"]
        assert row["candidates"][0]["period_days"] == pytest.approx(3.2, rel=3e-3)
    assert [c.quality_bitmask for c in configs] == [4, "none", "default"]
    for bad in ("soft", "-1", "4294967296", "99999999999999999999"):
        assert main(["search", str(p), "--quality-bitmask", bad]) == 2
        err = capsys.readouterr().err
        assert "--quality-bitmask takes default, hard, hardest, none or an integer from 0" in err
        assert "Traceback" not in err
    with pytest.raises(StarskopeError, match=r"quality_bitmask must be 0 to 2\*\*32 - 1"):
        PipelineConfig(quality_bitmask=-1)
