"""Government information disclosure annual reports (政府信息公开工作年度报告) → checked CSV → static site.

The tree follows the flow, read → extract → check → CSV → pages → site:

- `parse/`: one report file → a checked `Report` (readers, extraction, decoding, checks, the registry).
- `publish/`: the CSV files → pages, charts, indicators, downloads, templates, the MkDocs hooks.
- `run/`: the stages over a folder of reports: the parse stage writing the CSV, the parse cache, the stage
  stamps, the site build, and the pipeline that runs them.
- `measure/`: the synthetic corpus, benchmarks, scoring against gold labels, a local server for tests.

Shared by all of them, here: `schema.py` (the data contract), `paths.py` and `isolate.py` (worker processes,
used by the parse stage, the chart renderers and the site build alike).

Imports go one way: `parse` and `publish` import only the shared modules, never each other (the CSV files
are the contract between them); `run` imports both; `measure` imports anything. tests/test_layers.py holds
the tree to that.
"""
