"""The Monte Carlo engine, whatever is sampled: estimates with their standard errors
(:mod:`~expectations.montecarlo.estimate`), reproducible chunked sampling and runs to a target
standard error (:mod:`~expectations.montecarlo.sampling`), and scale-out to a Dask cluster
(:mod:`~expectations.montecarlo.scaleout`).  The kernels that draw the random matrices live
with what they estimate: :mod:`expectations.lemmas` and :mod:`expectations.network`."""
