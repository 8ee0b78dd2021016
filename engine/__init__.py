"""Dealcraft's engine: scenario model and loader, game rules, batch simulation and bots."""

import os

# The engine never calls BLAS (its results must not depend on it; see docs/design-choices.md),
# so one OpenBLAS thread is enough, and no idle helper threads spin beside batch workers.
# It takes effect when the engine is imported before numpy, as `dealcraft` does.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
