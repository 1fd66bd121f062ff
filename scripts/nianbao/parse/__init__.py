"""The parse side: a report file → a checked `Report` (readers, extraction, digit decoding, checks, registry).

May import the shared modules (`nianbao.schema`, `nianbao.paths`) and itself; never `publish`, `run` or
`measure`. Every module here versions the parse cache (`run/parse_cache.py`)."""
