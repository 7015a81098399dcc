"""Renderers: pure functions from a corpus to {path: text}. No MkDocs, no file system writes."""
