"""Campaign simulator: determinism, composition, Kaggle layout byte for byte, FITS/Parquet (issue 4)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from starskope.cli import main
from starskope.simulate.campaign import (
    TRUTH_COLUMNS,
    CampaignConfig,
    simulate_campaign,
)
from starskope.simulate.output import write_campaign


@pytest.fixture(scope="module")
def small():
    cfg = CampaignConfig(
        n_stars=40, n_hosts=4, seed=7, frac_eb=0.2, frac_pulsator=0.2, frac_spotted=0.2
    )
    return simulate_campaign(cfg, chunk=16)


def test_deterministic_and_independent_of_chunking(small):
    again = simulate_campaign(small.config, chunk=5)
    np.testing.assert_array_equal(small.flux, again.flux)
    np.testing.assert_array_equal(small.quality, again.quality)
    pd.testing.assert_frame_equal(small.truth, again.truth)
    # a star is the same whatever the campaign size
    bigger = simulate_campaign(small.config.replace(n_stars=45), chunk=64)
    np.testing.assert_array_equal(small.flux[:10], bigger.flux[:10])
    other = simulate_campaign(small.config.replace(seed=8))
    assert not np.allclose(np.nan_to_num(small.flux), np.nan_to_num(other.flux))


def test_composition_and_truth(small):
    tr = small.truth
    assert list(tr.columns) == list(TRUTH_COLUMNS)
    assert (tr["label"].iloc[:4] == 2).all() and (tr["label"].iloc[4:] == 1).all()
    assert (tr["class"].iloc[:4] == "planet").all()
    assert set(tr["class"]) <= {"planet", "eclipsing_binary", "variable", "quiet"}
    assert {"eclipsing_binary", "variable", "quiet"} <= set(tr["class"])
    hosts = tr[tr["class"] == "planet"]
    assert np.all(np.isfinite(hosts[["period_days", "depth_ppm", "expected_snr"]].to_numpy()))
    assert (hosts["expected_snr"] >= small.config.min_host_snr).all()
    # flux in e-/s around each star's level, not normalised
    med = np.nanmedian(small.flux, axis=1)
    np.testing.assert_allclose(med, tr["flux_level"], rtol=0.05)
    assert small.flux.shape == (40, 3197)


def test_host_transit_is_in_the_flux(small):
    tr = small.truth
    i = int(tr[tr["class"] == "planet"]["depth_ppm"].idxmax())
    row = tr.iloc[i]
    t = small.time
    phase = (
        np.mod(t - row["epoch_days"] + 0.5 * row["period_days"], row["period_days"])
        - 0.5 * row["period_days"]
    )
    inside = np.abs(phase) < 0.25 * row["duration_hours"] / 24
    rel = small.flux[i] / row["flux_level"]
    drop = np.nanmedian(rel[~inside]) - np.nanmedian(rel[inside])
    assert drop == pytest.approx(row["depth_ppm"] * 1e-6, rel=0.5, abs=3 * row["sigma_ppm"] * 1e-6)


def test_kaggle_layout_byte_for_byte(small, tmp_path):
    out = tmp_path / "train.csv"
    write_campaign(small, out, format="kaggle")
    raw = out.read_bytes()
    header = b"LABEL," + b",".join(b"FLUX.%d" % i for i in range(1, 3198)) + b"\n"
    assert raw.startswith(header)
    lines = raw[len(header) :].split(b"\n")
    assert lines[-1] == b"" and len(lines) - 1 == 40
    labels = [ln.split(b",", 1)[0] for ln in lines[:-1]]
    assert labels == [b"2"] * 4 + [b"1"] * 36
    first = lines[0].split(b",")
    assert len(first) == 3198
    assert all(b"." in x and len(x.split(b".")[1]) == 2 for x in first[1:])
    assert b"nan" not in raw
    truth = pd.read_csv(tmp_path / "train.truth.csv")
    assert len(truth) == 40 and truth["row"].tolist() == list(range(40))
    # starskope's own reader reads it back: labels and fluxes (to the written 2 decimals)
    from starskope.io.kaggle import iter_kaggle

    lcs = list(iter_kaggle(out, cache=False))
    assert [lc.meta.label for lc in lcs] == [1] * 4 + [0] * 36
    np.testing.assert_allclose(lcs[5].flux, small.filled_flux()[5], atol=0.0051)


def test_fits_output_reads_back(small, tmp_path):
    from astropy.io import fits

    paths = write_campaign(small, tmp_path / "fits", format="fits")
    assert len(paths) == 41 and paths[-1].name == "truth.csv"
    with fits.open(paths[0]) as h:
        assert h[0].header["TELESCOP"] == "Kepler" and h[0].header["MISSION"] == "K2"
        assert h[0].header["OBJECT"].startswith("EPIC ")
        assert h[1].name == "LIGHTCURVE" and h[1].header["TIMESYS"] == "TDB"
        assert h[1].header["BJDREFI"] == 2454833
        np.testing.assert_allclose(h[1].data["PDCSAP_FLUX"], small.flux[0], rtol=1e-6)
        np.testing.assert_array_equal(h[1].data["SAP_QUALITY"], small.quality[0])
    try:
        from starskope.io import read
    except ImportError:
        pytest.skip("starskope.io.read not available yet")
    lc = read(paths[0])
    assert lc.time_format == "bkjd" and lc.meta.mission == "K2"
    good = np.isfinite(small.flux[0])
    np.testing.assert_allclose(lc.flux[np.isfinite(lc.flux)], small.flux[0][good], rtol=1e-6)
    # the header's epoch is in TIME's system: the file's own times fold the transit to phase 0
    host = int(np.flatnonzero(small.truth["class"].to_numpy() == "planet")[0])
    with fits.open(paths[host]) as h:
        hdr, t = h[0].header, np.asarray(h[1].data["TIME"], dtype=float)
    assert hdr.comments["SIMEPOCH"].startswith("[BJD - 2454833]")
    assert hdr["SIMEPOCH"] == pytest.approx(small.truth["epoch_days"].iloc[host] + t[0])
    phase = (t - hdr["SIMEPOCH"] + 0.5 * hdr["SIMPER"]) % hdr["SIMPER"] - 0.5 * hdr["SIMPER"]
    half = small.truth["duration_hours"].iloc[host] / 48
    ok = np.isfinite(small.flux[host])
    inside, outside = ok & (np.abs(phase) < 0.5 * half), ok & (np.abs(phase) > 2 * half)
    assert np.median(small.flux[host][inside]) < np.median(small.flux[host][outside])
    # each star carries its truth as its label (1 planet, 0 not), as a Kaggle row does
    labels = [read(p).meta.label for p in paths[:-1]]
    assert labels == [int(c == "planet") for c in small.truth["class"]]


def test_parquet_output(small, tmp_path):
    import pyarrow.parquet as pq

    write_campaign(small, tmp_path / "c.parquet", format="parquet")
    tab = pq.read_table(tmp_path / "c.parquet")
    assert tab.num_rows == 40
    np.testing.assert_array_equal(np.asarray(tab["flux"][3].as_py()), small.flux[3])
    assert (tmp_path / "c.truth.csv").exists()


def test_cli_campaign(tmp_path, capsys):
    out = tmp_path / "t.csv"
    rc = main(
        [
            "simulate",
            "campaign",
            "--n-stars",
            "12",
            "--n-hosts",
            "2",
            "--seed",
            "3",
            "--out",
            str(out),
        ]
    )
    assert rc == 0
    assert out.exists() and (tmp_path / "t.truth.csv").exists()
    assert (
        main(["simulate", "campaign", "--n-stars", "2", "--format", "hdf5", "--out", str(out)]) == 2
    )
    assert "format" in capsys.readouterr().err


def test_default_campaign_is_hard_like_k2():
    """Default mix: half the field spotted (hosts too), binaries and pulsators among the
    non-hosts, and a realistic share of hosts near the noise."""
    from starskope.simulate.noise import FIELD_FRAC_SPOTTED

    camp = simulate_campaign(CampaignConfig(n_stars=400, n_hosts=40, seed=0))
    tr = camp.truth
    non = tr[tr["class"] != "planet"]
    spotted = (non["subclass"] == "spotted").mean()
    assert abs(spotted - FIELD_FRAC_SPOTTED) < 0.1
    assert {"detached", "grazing", "diluted"} & set(non["subclass"])
    assert {"dsct", "gdor"} & set(non["subclass"])
    hosts = tr[tr["class"] == "planet"]
    assert hosts["noise_source"].str.endswith("spotted").any()
    assert hosts["noise_source"].str.endswith(("dwarf", "giant")).any()
    snr = hosts["expected_snr"].to_numpy()
    assert np.mean(snr < 10) >= 0.2  # many hosts near the noise
    assert np.mean(snr > 30) >= 0.1  # and some easy ones


def test_a_fits_campaign_cut_short_leaves_no_files(tmp_path, monkeypatch):
    from astropy.io import fits

    from starskope.simulate.campaign import CampaignConfig, simulate_campaign
    from starskope.simulate.output import write_campaign

    camp = simulate_campaign(CampaignConfig(n_stars=3, n_hosts=1, n_points=300, seed=1))
    calls = []
    real = fits.HDUList.writeto

    def failing(self, path, *args, **kwargs):
        calls.append(path)
        if len(calls) == 2:
            open(path, "wb").close()  # cut short
            raise OSError(28, "No space left on device", str(path))
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(fits.HDUList, "writeto", failing)
    with pytest.raises(OSError, match="No space left"):
        write_campaign(camp, tmp_path / "d", format="fits")
    assert list((tmp_path / "d").iterdir()) == []


def test_simulate_prints_no_progress_bar_on_stdout(tmp_path, capsys):
    """The campaign's bar went to stdout, piped or not (and ignored STARSKOPE_PROGRESS=0):
    stdout holds the two summary lines only."""
    from starskope.cli import main

    out = tmp_path / "c.csv"
    assert main(["simulate", "campaign", "--n-stars", "12", "--n-hosts", "1", "--seed", "1",
                 "--out", str(out)]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(
        f"wrote {tmp_path / 'c.csv'}; truth: "
    )  # (a file: not "1 file(s) under")


def test_output_names_a_truth_table_or_in_capitals(tmp_path, capsys):
    """``--out c.truth.csv`` wrote a flux table over another campaign's truth table, and
    ``X.CSV.GZ`` was written uncompressed beside ``X.CSV.truth.csv``."""
    import gzip

    args = ["simulate", "campaign", "--n-stars", "12", "--n-hosts", "1", "--seed", "1"]
    assert main([*args, "--out", str(tmp_path / "c.truth.csv")]) == 2
    assert "named like a truth table" in capsys.readouterr().err
    assert main([*args, "--out", str(tmp_path / "X.CSV.GZ")]) == 0
    assert (tmp_path / "X.truth.csv").exists()
    with gzip.open(tmp_path / "X.CSV.GZ", "rt") as fh:
        assert fh.readline().startswith("LABEL,FLUX.1,")
