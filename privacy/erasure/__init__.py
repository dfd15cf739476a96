"""Erasure and pseudonymisation of a person (GDPR art. 17).

- ``rules``: when a person may be erased (the refusals, with their reasons),
  what an erased record looks like, and whose login goes with it;
- ``selectors``: what erasing would remove and what stays, for the HR page;
- ``services``: ``person_erase``, which pseudonymises the record and removes or
  blanks what identifies them, keeping every row the program's figures count.
"""

from .rules import erasure_refusals, is_erased, login_kept
from .selectors import ErasurePreview, erasure_preview, person_for_erasure
from .services import ErasureResult, Login, person_erase

__all__ = [
    "ErasurePreview",
    "ErasureResult",
    "Login",
    "erasure_preview",
    "erasure_refusals",
    "is_erased",
    "login_kept",
    "person_erase",
    "person_for_erasure",
]
