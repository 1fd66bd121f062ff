"""The publish side: the CSV files → Markdown pages, SVG charts, indicators, downloads, and the MkDocs hooks.

May import the shared modules (`nianbao.schema`, `nianbao.paths`, `nianbao.isolate`) and itself; never
`parse` (it reads what the parse wrote, as CSV), `run` or `measure`."""
