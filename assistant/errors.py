"""Domain exceptions. Library code raises these; the CLI and the UI turn each
into one short message that says what to do, never a traceback."""


class AssistantError(Exception):
    """Base class: a problem the user can act on."""


class CorpusError(AssistantError):
    """A corpus folder or file cannot be used (missing, empty, not UTF-8)."""


class IndexStoreError(AssistantError):
    """A persisted index is missing, stale or corrupt."""


class ModelError(AssistantError):
    """The embedding model is missing, altered or cannot be loaded."""


class QuestionError(AssistantError):
    """The question itself is unusable (empty, too long, control characters)."""


class DataError(AssistantError):
    """An evaluation data file is missing or not in the layout its format expects."""
