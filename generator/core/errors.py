"""The one exception a user can cause without a finding: a path or an option that makes no sense.

Adapters turn it into one line and exit status 2; it never carries a traceback.
"""


class UsageError(Exception):
    """A missing root, a file where a folder is wanted, a FIFO or device... The message is one line."""


class Blocked(Exception):
    """The knowledge base has findings that stop every output (errors; with --strict, warnings too)."""

    def __init__(self, findings: list) -> None:
        self.findings = findings
        super().__init__(f"{len(findings)} finding(s) stop it")
