"""Data protection for one person: the register extract (GDPR art. 15) and erasure (art. 17)."""
