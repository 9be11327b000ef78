"""``python -m experiments.optimise``: the allocation optimiser (see ``README.md`` here)."""

from experiments.optimise.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
