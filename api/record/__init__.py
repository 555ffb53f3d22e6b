"""The portable record: a BT-läkare's complete record as a versioned, checksummed archive
(JSON + files) that another installation or region imports without loss. See docs/record-format.md.

`spec` says which models travel and how their relations are carried, `archive` reads and writes
the zip (manifest with a SHA-256 of every member), `exporting` and `importing` do the work.
"""

from core.errors import DomainError


class RecordError(DomainError):
    """The archive cannot be made or taken in; the message says why (nothing was written)."""
