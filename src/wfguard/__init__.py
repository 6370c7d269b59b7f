"""wfguard: a team's engineering workflow, enforced in git hooks, CI and on the server."""

__version__ = "0.1.0"
