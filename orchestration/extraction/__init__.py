"""Running the pure extractor (orchestration.extract): the Dagster assets, the process pool, the gold scorer."""
