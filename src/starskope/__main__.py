"""``python -m starskope``: the ``starskope`` command line."""

from starskope.cli import run

if __name__ == "__main__":
    run()
