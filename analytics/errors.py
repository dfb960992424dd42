"""The one error type users see: a sentence saying what is wrong and what to do."""


class IngestError(Exception):
    """A file or request the app cannot use; str(error) is the sentence shown to the user."""
