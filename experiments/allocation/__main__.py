"""``python -m experiments.allocation``: the allocation explorer (see ``README.md`` here)."""

from experiments.allocation.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
