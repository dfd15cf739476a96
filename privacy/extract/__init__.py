"""The register extract (GDPR art. 15, registerutdrag): the selector, its coverage, its PDF."""

from .registry import COVERED, EXCLUDED
from .selectors import FORMAT, person_extract

__all__ = ["COVERED", "EXCLUDED", "FORMAT", "person_extract"]
