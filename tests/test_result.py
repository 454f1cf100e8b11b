import json
import math

from starskope.result import Candidate, StarResult, VetFlag


def test_json_roundtrip_and_nan_safe():
    c = Candidate(
        period_days=3.5,
        t0=1.2,
        t0_format="btjd",
        t0_bjd=2457001.2,
        duration_hours=2.0,
        depth_ppm=1000.0,
        depth_ppm_err=math.nan,
        snr=12.0,
        sde=9.0,
        power=1.0,
        n_transits=4,
        vetting=(VetFlag("odd_even", True, 5.0, "odd and even depths differ by 5 sigma"),),
    )
    r = StarResult(path="x.fits", candidates=(c,), is_candidate=False)
    line = r.to_json()
    d = json.loads(line)
    assert d["candidates"][0]["flags"] == ["odd_even"]
    assert d["candidates"][0]["depth_ppm_err"] is None
    back = StarResult.from_json(line)
    assert back.candidates[0].vetting[0].raised
    assert back.candidates[0].period_days == 3.5


def test_failed_table_row_keeps_its_row():
    from starskope.result import StarResult

    r = StarResult.failed("/data/exoTest.csv#row=3", "all flux values are NaN")
    assert r.row == 3 and r.error and r.path.endswith("#row=3")
    assert StarResult.failed("star#row=x.fits", "bad").row is None
    assert StarResult.failed("/data/a.fits", "bad").row is None
    assert StarResult.failed("t.csv#row=5", "bad", row=7).row == 7


def _candidate(**kw):
    base = dict(
        period_days=3.5, t0=1.2, t0_format="btjd", t0_bjd=2457001.2, duration_hours=2.0,
        depth_ppm=1000.0, depth_ppm_err=20.0, snr=12.0, sde=9.0, power=1.0, n_transits=4,
        vetting=tuple(VetFlag(f"test{i}", i == 0, 1.0, "x" * 300) for i in range(10)),
    )  # fmt: skip
    return Candidate(**{**base, **kw})


def test_reprs_are_short_and_say_what_matters():
    c = _candidate()
    r = StarResult(path="/d/x.fits", target="TIC 1", mission="TESS", candidates=(c,) * 5)
    assert len(repr(c)) < 200 and "P=3.5 d" in repr(c) and "['test0']" in repr(c)
    assert len(repr(r)) < 800 and repr(r).startswith("StarResult('TIC 1'") and "..." in repr(r)
    failed = StarResult.failed("x.csv#row=3", "all NaN")
    assert repr(failed) == "StarResult('x.csv#row=3', error='all NaN')"


def test_candidate_json_round_trip_and_clear_errors():
    import pytest

    from starskope.exceptions import StarskopeError

    c = _candidate()
    assert Candidate.from_json(c.to_json()) == c
    with pytest.raises(StarskopeError, match="is a JSON object"):
        StarResult.from_json("[]")
    with pytest.raises(StarskopeError, match="not a StarResult JSON line"):
        StarResult.from_json("{oops")


def test_pipeline_config_replace_names_unknown_settings():
    import pytest

    from starskope import PipelineConfig
    from starskope.exceptions import StarskopeError

    with pytest.raises(StarskopeError, match="unknown PipelineConfig setting 'max_planet'"):
        PipelineConfig().replace(max_planet=1)
    assert PipelineConfig().replace(max_planets=2).max_planets == 2


def test_a_result_of_another_major_schema_is_warned_of():
    """A result written by a newer starskope (schema 2.0, new fields) was read without a word,
    dropping its new fields and keeping "2.0" (a Python-API audit); one of this major version
    with a field of the user's own reads as before."""
    import pytest

    from starskope.exceptions import StarskopeWarning
    from starskope.result import SCHEMA_VERSION

    d = StarResult(path="x.fits").to_dict()
    StarResult.from_dict({**d, "notes": "mine"})  # no warning
    with pytest.warns(
        StarskopeWarning,
        match=f"schema 2.0, read as schema {SCHEMA_VERSION}; fields left out: posterior",
    ):
        back = StarResult.from_dict({**d, "schema_version": "2.0", "posterior": [1, 2]})
    assert back.path == "x.fits" and back.schema_version == SCHEMA_VERSION
    with pytest.warns(StarskopeWarning, match="schema 0.9") as said:
        StarResult.from_dict({**d, "schema_version": "0.9"})
    assert "newer" not in str(said[0].message)
