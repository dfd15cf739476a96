"""Import managers from an HR-system export (CSV or XLSX): parse, validate, preview, apply.

The import is all or nothing. ``import_preview`` reads the file and says what
would be created, updated or left unchanged, and lists every bad row with its
row number and a reason; ``import_apply`` runs the same validation and writes
only when no row is bad. Running the same file twice changes nothing.

Files are checked before they are parsed: a size cap, a row cap, XLSX archives
are inspected for zip bombs and XML entity declarations (and openpyxl parses
through defusedxml), and anything that is neither CSV nor XLSX is refused.
"""

from .apply import ImportRefused, import_apply
from .files import ImportFileError, read_table
from .rows import Preview, import_preview

__all__ = [
    "ImportFileError",
    "ImportRefused",
    "Preview",
    "import_apply",
    "import_preview",
    "read_table",
]
