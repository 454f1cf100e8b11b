"""Simulated surveys: noise models, transit and false-positive injection, campaigns, recovery.

Submodules: :mod:`.snr` (the one expected-SNR definition), :mod:`.noise` (stochastic K2-like
star), :mod:`.inject` (batman injection), :mod:`.binaries` (eclipsing binaries, pulsators),
:mod:`.population` (archive-table planet draws), :mod:`.campaign` (campaign simulator),
:mod:`.output` (Kaggle / FITS / Parquet writers), :mod:`.backgrounds` (real light curves as
noise), :mod:`.recovery` (injection-recovery and completeness), :mod:`.plots` (completeness
plots; imports matplotlib). See ``docs/simulation.md``.
"""

from __future__ import annotations

from .campaign import Campaign as Campaign
from .campaign import CampaignConfig as CampaignConfig
from .campaign import simulate_campaign as simulate_campaign
from .inject import PlanetSignal as PlanetSignal
from .inject import inject as inject
from .inject import transit_model as transit_model
from .snr import expected_snr as expected_snr

__all__ = [
    "Campaign",
    "CampaignConfig",
    "PlanetSignal",
    "expected_snr",
    "inject",
    "simulate_campaign",
    "transit_model",
]
