"""Known-planet annotation on the real hosts in ../shared/data (issue 7)."""

from __future__ import annotations

import astropy.units as u
import pytest

from starskope.exceptions import StarskopeError
from starskope.known import annotate, annotate_candidates
from starskope.result import Candidate

from .conftest import meta_from_fits


def _periods(text: str) -> list[tuple[str, float]]:
    """'b 7.0082; c 8.7198' -> [('b', 7.0082), ('c', 8.7198)]."""
    out = []
    for part in text.split(";"):
        bits = part.split()
        if len(bits) >= 2 and bits[0].isalpha() and len(bits[0]) == 1:
            try:
                out.append((bits[0], float(bits[1])))
            except ValueError:
                continue
    return out


@pytest.mark.parametrize(
    ("target", "period", "name"),
    [
        ("KIC 11442793", 7.0082, "Kepler-90 b"),
        ("KIC 11442793", 331.5973, "Kepler-90 h"),
        ("Kepler-90", 8.7198, "Kepler-90 c"),
        ("TIC 100100827", 0.9415, "TOI-185.01"),  # WASP-18 b
        ("K2-3", 10.0545, "K2-3 b"),
        ("EPIC 201367065", 24.6465, "K2-3 c"),  # no EPIC in the archive table: by position
        ("TOI-562", 3.9306, "TOI-562.01"),  # GJ 357 b
    ],
)
def test_known_planets(target, period, name):
    ra = dec = None
    if target == "EPIC 201367065":
        ra, dec = 172.334955, -1.454787  # RA_OBJ/DEC_OBJ of the K2SFF file
    m = annotate(target, ra, dec, period)
    assert m.kind == "known planet"
    assert m.name == name
    assert m.alias_factor == 1
    assert m.period_error < 1e-3
    assert m.label == f"known planet {name}"


def test_labels_csv_hosts(labels):
    """Every confirmed host of labels.csv: each listed period is its known planet."""
    checked = 0
    for row in labels:
        if row["label_class"] != "confirmed_host" or row["mission"] == "K2":
            continue  # K2 hosts have no EPIC number in the archive table: see position test
        for _letter, period in _periods(row["known_periods_days"]):
            m = annotate(row["catalog_id"], period_days=period)
            assert m.kind == "known planet", (row["catalog_id"], period, m)
            checked += 1
    assert checked >= 15


def test_real_header_position_only(shared_data):
    """A TESS file with no usable identifier is matched by its header position (WASP-18)."""
    path = shared_data / "lightcurves" / "tess" / "lightkurve_wasp18_tic100100827_s02.fits.gz"
    meta = meta_from_fits(path)
    m = annotate(None, meta.ra, meta.dec, 0.94145)
    assert m.kind == "known planet" and m.matched_by == "position"
    assert m.separation_arcsec < 1.0


def test_aliases():
    m2 = annotate("KIC 11442793", period_days=2 * 7.008218)
    assert (m2.name, m2.alias_factor) == ("Kepler-90 b", 2.0)
    assert "alias x2" in m2.label
    mh = annotate("KIC 11442793", period_days=7.008218 / 2)
    assert mh.alias_factor == 0.5
    m3 = annotate("TIC 100100827", period_days=3 * 0.941453)
    assert m3.alias_factor == 3.0 and m3.name == "TOI-185.01"
    # Quantity periods work
    assert annotate("KIC 11442793", period_days=7.0082 * 24 * u.hour).name == "Kepler-90 b"


def test_false_positives_and_binaries():
    fp = annotate("KIC 6721123", period_days=7.3618)  # KOI-114
    assert fp.kind == "known false positive" and fp.name == "K00114.01"
    fp2 = annotate("KOI-1003", period_days=8.3606)
    assert fp2.kind == "known false positive"
    eb = annotate("KIC 9472174", period_days=0.1257653)
    assert eb.kind == "known eclipsing binary"


def test_new_signals():
    new = annotate("KIC 11442793", period_days=5.0)
    assert new.kind == "new" and new.host == "Kepler-90"
    assert "Kepler-90 b" in new.other_known
    assert new.label == "new (host Kepler-90)"
    assert annotate("TIC 1", period_days=5.0).kind == "new"
    assert annotate(None, 12.0, 12.0, 5.0).label == "new"
    # a star that could not be looked up at all is not called new outright: the K2 table has no
    # EPIC numbers, so without a position K2-3 (EPIC 201367065) cannot be found
    lost = annotate("EPIC 201367065", period_days=10.0549)
    assert lost.kind == "new" and lost.label.startswith("new? (star not located")
    assert annotate(None, period_days=5.0).label.startswith("new? (star not located")
    # outside the tolerance
    assert annotate("KIC 11442793", period_days=7.0082 * 1.02).kind == "new"
    assert annotate("KIC 11442793", period_days=7.0082 * 1.02, tolerance=0.05).kind != "new"


def test_epoch_offset():
    # Kepler-90 b epoch from the KOI table (BKJD 140.xx): a t0 50 cycles later, 1 h late
    m0 = annotate("KIC 11442793", period_days=7.008218)
    from starskope.catalogs import known_objects

    row = known_objects().query("planet_name == 'Kepler-90 b'").iloc[0]
    t0 = row.epoch_bjd + 50 * row.period + 1 / 24
    m = annotate("KIC 11442793", period_days=7.008218, t0_bjd=t0)
    assert m0.epoch_offset_hours is None
    assert m.epoch_offset_hours == pytest.approx(1.0, abs=1e-3)


def test_a_signal_off_a_known_planets_transits_is_not_that_planet():
    """Every third transit of Kepler-107 c (14.70 d) is within 0.3% of Kepler-107 e's period
    (14.75 d) but 15 hours off its transits: it is c at three times its period, not e."""
    from starskope.catalogs import known_objects

    k = known_objects()
    c = k.query("planet_name == 'Kepler-107 c'").iloc[0]
    e = k.query("planet_name == 'Kepler-107 e'").iloc[0]
    on_c = c.epoch_bjd + 30 * c.period
    m = annotate("Kepler-107", period_days=3 * c.period, t0_bjd=on_c)
    assert m.name == "Kepler-107 c" and m.alias_factor == 3.0
    assert annotate(
        "Kepler-107", period_days=e.period, t0_bjd=e.epoch_bjd + 10 * e.period
    ).name == ("Kepler-107 e")
    # at a known period but half an orbit off its transits: another signal
    b = k.query("planet_name == 'Kepler-90 b'").iloc[0]
    half_off = b.epoch_bjd + 50.5 * b.period
    assert annotate("KIC 11442793", period_days=b.period, t0_bjd=half_off).kind == "new"
    assert annotate(
        "KIC 11442793", period_days=b.period, t0_bjd=half_off - 0.5 * b.period
    ).name == ("Kepler-90 b")


def test_annotate_candidates_and_errors():
    c = Candidate(
        period_days=7.0082,
        t0=140.0,
        t0_format="bkjd",
        t0_bjd=None,
        duration_hours=3.0,
        depth_ppm=120.0,
        depth_ppm_err=10.0,
        snr=9.0,
        sde=10.0,
        power=1.0,
        n_transits=5,
    )
    (out,) = annotate_candidates([c], target="11442793", mission="Kepler")
    assert out.known == "known planet Kepler-90 b"
    assert out.extra["known"]["kind"] == "known planet"
    with pytest.raises(StarskopeError, match="period_days"):
        annotate("KIC 11442793")
    with pytest.raises(StarskopeError, match="positive"):
        annotate("KIC 11442793", period_days=-1.0)
    with pytest.raises(StarskopeError, match="tolerance"):
        annotate("KIC 11442793", period_days=7.0, tolerance=0.9)


def test_tess_file_of_a_kepler_false_positive(shared_data):
    """A TESS FFI light curve of KOI-6026: its TIC number is in no table, its position is."""
    path = shared_data / "bulk" / "tess" / "tic120576881.fits.gz"
    if not path.exists():
        pytest.skip("bulk TESS file absent")
    meta = meta_from_fits(path)
    assert annotate(meta.target, period_days=2.6384, mission=meta.mission).kind == "new"
    m = annotate(meta.target, meta.ra, meta.dec, 2.6384, mission=meta.mission)
    assert m.kind == "known false positive" and m.name == "K06026.01"
    assert m.matched_by == "position" and m.separation_arcsec < 1.0


def test_the_fits_epoch_is_used_for_the_known_match():
    import dataclasses

    from starskope.catalogs import known_objects
    from starskope.known import _best_t0_bjd

    b = known_objects().query("planet_name == 'Kepler-90 b'").iloc[0]
    on_b = b.epoch_bjd + 50 * b.period
    c = Candidate(
        period_days=b.period, t0=on_b - 2454833 + 0.4, t0_format="bkjd", t0_bjd=on_b + 0.4,
        duration_hours=3.0, depth_ppm=100.0, depth_ppm_err=10.0, snr=10.0, sde=9.0, power=1.0,
        n_transits=10, extra={"fit_t0": on_b - 2454833},
    )  # fmt: skip
    assert _best_t0_bjd(c) == pytest.approx(on_b)
    assert _best_t0_bjd(dataclasses.replace(c, extra={})) == pytest.approx(on_b + 0.4)
    (got,) = annotate_candidates([c], target="KIC 11442793")
    assert got.extra["known"]["epoch_offset_hours"] == pytest.approx(0.0, abs=1e-3)
