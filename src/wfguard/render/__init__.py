"""Renderers: a report in, text out. The hook path uses ``text`` (no rich)."""
