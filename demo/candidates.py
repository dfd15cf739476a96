"""A synthetic pool of candidates for the composition: tests and `make bench` use it."""

import random

from programs.composition import Candidate


def sample_candidates(count: int, *, departments: int = 10, seed: int = 2015) -> list[Candidate]:
    """A deterministic, municipality-like pool: uneven departments, few top managers."""
    rng = random.Random(seed)
    weights = [1 / (d + 1) for d in range(departments)]  # a few big departments, a long tail
    levels = ["kommunledning", "forvaltningschef", "avdelningschef", "enhetschef"]
    level_weights = [1, 4, 20, 75]
    return [
        Candidate(
            id=i + 1,
            department=rng.choices(range(departments), weights)[0],
            level=rng.choices(levels, level_weights)[0],
        )
        for i in range(count)
    ]
