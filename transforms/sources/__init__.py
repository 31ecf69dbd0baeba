"""Readers of the outside world, behind one interface: `read.read_source(source, context)`.

- `config`: named sources (sources.toml) and unnamed ones (a PATH or URL);
- `read`: files, directories and URLs into RawItems, incrementally;
- `decode`: bytes to text in any common encoding;
- `feeds`: RSS / Atom (feedparser, defusedxml);
- `html`: a page's main text and metadata (trafilatura, plus the page's own markup);
- `http`: the one HTTP client.
"""
