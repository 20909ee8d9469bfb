"""Ingestion: one pipeline of small steps, used by every way footage arrives.

probe → validate → strip metadata → masks / crop → anonymise → hash → store → index

Each step is a module under `steps/` with the lifecycle of `IngestStep`:
`able_to_run`, `setup`, `run`, and `cleanup` (always called, in reverse order, for
every step that was set up). `pipeline.ingest` runs them for one recording.
"""
