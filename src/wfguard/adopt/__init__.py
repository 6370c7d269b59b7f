"""What ``wfguard init`` reads of a repository's existing conventions, one module per source."""
