"""Exceptions raised by sanctions-kg's library code.

    SanctionsKGError
     ├── ConfigError            bad setting or option value
     ├── OntologyError          a label, type or property the ontology does not declare
     ├── StoreError             anything the graph store reports
     │    ├── StoreUnavailable  cannot open the file / reach the server
     │    ├── StoreAuthError    the server refused the credentials
     │    ├── QueryError        the database rejected a Cypher statement
     │    ├── ReadOnlyError     a write was attempted in read-only mode
     │    │    └── OutboundRefused  a statement would fetch a file or URL (LOAD CSV)
     │    ├── QueryTimeout      the time limit was hit
     │    └── RowLimitError     the row limit was hit
     ├── InputError             an input document could not be read
     ├── ExtractionError        extraction could not go on (a worker process died)
     ├── LookupFailed           an entity name matched nothing, or too many things
     └── BadReference           an identifier given as a lookup key is malformed (IMO check digit)

Messages say what went wrong and how to fix it; the CLI prints them as one line.
"""


class SanctionsKGError(Exception):
    """Root of every error sanctions-kg raises on purpose."""


class ConfigError(SanctionsKGError):
    pass


class OntologyError(SanctionsKGError):
    pass


class StoreError(SanctionsKGError):
    pass


class StoreUnavailable(StoreError):
    pass


class StoreAuthError(StoreError):
    pass


class QueryError(StoreError):
    pass


class ReadOnlyError(QueryError):
    pass


class OutboundRefused(ReadOnlyError):
    """A statement would make the database fetch a file or URL (LOAD CSV, a loading procedure):
    refused on every backend and path, read-only or not (graph/cypher.py, check_no_fetch)."""


class QueryTimeout(QueryError):
    pass


class RowLimitError(QueryError):
    pass


class QueryMemoryError(QueryError):
    """A query needed more memory than one query may use on the server, and was stopped."""


class InputError(SanctionsKGError):
    pass


class ExtractionError(SanctionsKGError):
    pass


class LookupFailed(SanctionsKGError):
    def __init__(self, message: str, candidates: list[dict] | None = None):
        super().__init__(message)
        self.candidates = candidates or []


class BadReference(SanctionsKGError):
    """A lookup key that is an identifier in form but not in value (an IMO number whose check
    digit fails): looked up nowhere, since no stored entity can carry it."""
