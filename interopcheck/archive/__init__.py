"""Archive audits on Dask (``--engine dask``): the same checks as the local path, spread over
a Dask cluster's workers, with journeys grouped by Dask's shuffle (docs/architecture.md)."""
