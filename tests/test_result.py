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
