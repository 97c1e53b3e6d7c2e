class IngestRefused(Exception):
    """A file the archive will not take, with the reason in words a user can act on."""

    def __init__(self, reason: str, *, code: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
