"""Commands as plain functions returning an exit code; the CLIs only adapt arguments."""
