"""The title line scorer: a conditional-logit model over features of candidate title lines (work in progress)."""

from contextlib import contextmanager

_weights: dict[str, float] | None = None


@contextmanager
def trained_on(examples):
    """Use weights trained on ``examples`` inside the block (leave-one-source-out evaluation)."""
    global _weights
    saved = _weights
    try:
        yield
    finally:
        _weights = saved
