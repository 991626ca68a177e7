"""The provenance report: static HTML pages from the published warehouse (see render.py)."""
