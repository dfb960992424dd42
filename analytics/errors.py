"""The one error type users see: a sentence saying what is wrong and what to do."""

import re

_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


class IngestError(Exception):
    """A file or request the app cannot use; str(error) is the sentence shown to the user."""

    def __init__(self, message: object = "", *args: object):
        # A cell quoted in the sentence may hold a line break: the sentence stays one line.
        super().__init__(_LINE_BREAKS.sub(" ", str(message)), *args)
