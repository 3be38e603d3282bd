"""Training of the project's own models; run from the repository root."""
