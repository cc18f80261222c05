"""Read PSA exports (CSV, Excel) into Cadence's SQL store."""
