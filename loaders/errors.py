"""The one error a person sees when a file cannot be imported at all."""


class ImportRefused(Exception):
    """A file that cannot be imported. The message is one plain sentence that names the
    file, the row or column at fault where there is one, and what to do about it."""


class UnknownColumns(ImportRefused):
    """A file whose columns fit no preset or mapping, or lack one a preset needs: a
    column mapping (the Data page drafts one) is the way to read it."""
