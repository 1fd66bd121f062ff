"""The stages over a folder of reports: the parse stage (`dataset.py`, with its cache), the site build, the
stamps that skip an unchanged stage, and `pipeline.py` that runs parse → pages → site.

May import `parse`, `publish` and the shared modules; never `measure`."""
