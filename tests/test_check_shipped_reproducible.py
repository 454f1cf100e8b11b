"""Every shipped model card names a command and a training table that
benchmarks/check_shipped_reproducible.py can run (the check itself takes minutes: a benchmark)."""

from pathlib import Path

import pytest
from benchmarks.check_shipped_reproducible import MODELS_DIR, card_command, card_md5, with_paths

from starskope.models.registry import MODELS

CARDS = sorted(p for p in MODELS_DIR.glob("*.md") if p.stem in MODELS)


def test_every_registered_model_ships_a_card():
    assert {p.stem for p in CARDS} == {n for n in MODELS if any(MODELS_DIR.glob(f"{n}.*"))}
    assert len(CARDS) == 5


@pytest.mark.parametrize("card", CARDS, ids=lambda p: p.stem)
def test_card_command_and_table_are_machine_readable(card):
    text = card.read_text()
    args = card_command(text)
    assert args[:3] == ["train", "--model", card.stem]
    assert "--seed" in args and "--data" in args and "--out" in args
    assert len(card_md5(text) or "") == 32
    run = with_paths(args, data=Path("/d/train.csv"), out=Path("/o"), jobs=2)
    assert run[run.index("--data") + 1] == "/d/train.csv" and run[-2:] == ["--jobs", "2"]
    assert run.count("--jobs") == 1 and run[run.index("--out") + 1] == "/o"


def test_a_card_without_a_command_is_an_error():
    with pytest.raises(ValueError, match="no '- command"):
        card_command("# Model card: x\n\nno command here\n")
