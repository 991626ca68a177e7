"""Benchmark tooling (not part of the pipeline): synthetic corpus, `make bench`, profiles. See docs/scaling.md."""
