"""The limits on what one file or one record may hold, checked before anything costly is done with it.

`Limits` is declared here, with its defaults, because the readers and normalize
(transforms) and the articles suite (expectations) need them and may not import
flows; `flows.settings.LoadSettings` takes its defaults from here and builds a
`Limits` for a run (`LoadSettings.limits`).

What is over a limit goes to quarantine at the stage that finds it, with a
one-line reason naming the record and the setting: `extract` for what a file
holds (bytes once decompressed, lines, JSON nesting), `normalize` for the
length of an article's text. Its payload keeps only a prefix (see
`transforms.quarantine.bounded_payload`): the whole input stays where it was.
"""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # The longest text the articles suite accepts (expectations/articles.py): longer is a dump of a whole site.
    max_article_chars: int = 1_000_000
    # Six times news_bulk_dev (6,000 articles, 39 MB of JSON Lines): a bigger dump is split, or the limit raised.
    max_file_bytes: int = 256 * 1024 * 1024
    # A dump row is a line; 1,000,000 lines of 268 bytes fill max_file_bytes.
    max_lines_per_file: int = 1_000_000
    # News records are flat (depth 1 to 3); Python's JSON parser gives up near 1,000.
    max_json_depth: int = 64


DEFAULT_LIMITS = Limits()
# A record's text is cleaned before its length is judged, but cleaning (markup, spaces, invisible characters)
# takes away at most a fifth of a real article (news_bulk_dev: 20 % at most, 0.2 % on average): a text more than
# this many times the limit before cleaning is quarantined as over it without being cleaned (cleaning costs
# about 0.4 s per million characters, so a text of hundreds of millions would hold its batch for minutes).
RAW_TEXT_SLACK = 4


class OverLimit(ValueError):
    """A file or record is over one of the limits; the message names the setting."""


def parse_json_record(text: str, max_depth: int):
    """`json.loads(text)`; OverLimit when arrays and objects nest deeper than `max_depth`.

    The parser recurses once per level and gives up near Python's recursion
    limit (RecursionError, which is no ValueError): that is over any depth we
    allow too. Raises ValueError (json.JSONDecodeError) for text that is not JSON.
    """
    try:
        value = json.loads(text)
    except RecursionError:
        raise OverLimit(f"the JSON record nests deeper than max_json_depth ({max_depth:,} levels)") from None
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > max_depth:
            raise OverLimit(f"the JSON record nests deeper than max_json_depth ({max_depth:,} levels)")
        stack.extend((child, depth + 1) for child in children)
    return value
