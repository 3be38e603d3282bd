"""Tooling beside the product: evaluation on question sets and public data, benchmarks."""
