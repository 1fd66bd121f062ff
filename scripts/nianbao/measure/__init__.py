"""Measuring tools: the synthetic corpus, benchmarks, scoring against gold labels, a local Pages-like server.

May import anything in the package; nothing in the package imports it back."""
