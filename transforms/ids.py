"""Stable identifiers: short content hashes that are equal across runs and machines."""

import hashlib

ID_HEX_CHARS = 16  # 64 bits: collisions stay negligible well past 10^8 rows


def stable_id(*parts: str) -> str:
    """Hash the parts (joined by NUL, so ("ab", "c") != ("a", "bc")) to a hex id."""
    digest = hashlib.sha1("\0".join(parts).encode("utf-8")).hexdigest()
    return digest[:ID_HEX_CHARS]
