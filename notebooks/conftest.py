"""The notebooks run in ``make test`` (nbmake, a real kernel) in quick mode: small sweeps."""

import os

os.environ["GRADUASI_QUICK"] = "1"  # the kernels inherit it
