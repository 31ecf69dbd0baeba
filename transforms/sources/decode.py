"""Decode bytes from files and HTTP bodies to text, whatever their encoding.

Order: a byte-order mark (UTF-8, UTF-16, UTF-32) wins; then strict UTF-8
(most of the world); then a charset the source declared (HTTP header, XML or
HTML meta); then charset-normalizer's best guess (cp1251, koi8-r, ...).
Bytes that decode to nothing readable are refused as binary, so mojibake never
reaches the warehouse.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
DECLARED_CHARSET = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# Text has few control characters; binary data decoded "successfully" has many.
# When several legacy encodings read the bytes equally cleanly, the most widely used wins
# (charset-normalizer may rank a rare one first, e.g. cp1257 for Portuguese cp1252).
COMMON_LEGACY = ("cp1251", "koi8_r", "cp1252", "latin_1", "cp1250", "iso8859_15")
MAX_CHAOS = 0.2  # charset-normalizer's "mess" ratio above which a reading is rejected
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
MAX_CONTROL_SHARE = 0.01


class UndecodableError(ValueError):
    """The bytes are not text in any encoding we can tell."""


def declared_charset(head: bytes) -> str | None:
    """The charset an XML declaration or HTML meta tag names in the first bytes, if any."""
    match = DECLARED_CHARSET.search(head[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


CONTROL_SAMPLE = 65_536  # characters looked at: binary shows at once, and dumps are large


def _checked(text: str, encoding: str) -> tuple[str, str]:
    sample = text[:CONTROL_SAMPLE]
    if sample and len(CONTROL.findall(sample)) > MAX_CONTROL_SHARE * len(sample):
        raise UndecodableError(f"binary data, not text (too many control characters as {encoding})")
    return text, encoding


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding used). Raises UndecodableError for binary or unknown bytes.

    `declared` is a charset the transport gave (an HTTP Content-Type); when
    None, a charset declared inside the document is looked for.
    """
    if not data:
        raise UndecodableError("empty")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _checked(data.decode(encoding), encoding)
            except UnicodeDecodeError as exc:
                raise UndecodableError(f"invalid {encoding} after its byte-order mark ({exc.reason})") from None
    not_utf8 = ""
    if b"\x00" not in data:
        try:
            return _checked(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError as exc:
            not_utf8 = f" (not UTF-8: byte 0x{data[exc.start]:02x} at {exc.start:,} is {exc.reason})"
    declared = declared or declared_charset(data)
    if declared and declared not in ("utf-8", "utf-16", "utf-32"):
        try:
            return _checked(data.decode(declared), declared)
        except (UnicodeDecodeError, LookupError):
            pass  # the declaration lied; guess below
    guess = _guess(data)
    if guess is None:
        raise UndecodableError(f"binary data, not text in any known encoding{not_utf8}")
    return _checked(str(guess), guess.encoding)


def _guess(data: bytes):
    """charset-normalizer's match, among the common legacy encodings first.

    Short texts fool a guess over every codec (a koi8-r line reads as
    Shift JIS); asked about the common ones only, it is reliable, and a
    rarer encoding is still found by the full guess.
    """
    for candidates in (COMMON_LEGACY, None):
        matches = list(from_bytes(data, cp_isolation=list(candidates) if candidates else None))
        matches = [m for m in matches if m.chaos <= MAX_CHAOS]
        if matches:
            cleanest = min(m.chaos for m in matches)
            for encoding in COMMON_LEGACY:
                for match in matches:
                    if match.chaos == cleanest and encoding in match.could_be_from_charset:
                        return match
            return min(matches, key=lambda m: m.chaos)
    return None
