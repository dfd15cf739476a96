"""Names sort the Swedish way: … X Y Z Å Ä Ö, in pages and exports alike.

Text columns that hold names use the collation ``svc_swedish``
(``db_collation=SWEDISH``):
- on PostgreSQL it is an ICU collation for sv-SE, created by the migration
  that first uses it (``CREATE_SQL``);
- on SQLite (``make run``) it is registered on every connection as the Python
  function ``swedish_compare``: Å, Ä and Ö after Z, other accents folded
  (é as e, ü as y), upper and lower case alike. ICU knows more (e.g. it places
  "ß" and Scandinavian letters from other languages); the README says so.
"""

import unicodedata

SWEDISH = "svc_swedish"
CREATE_SQL = f"CREATE COLLATION IF NOT EXISTS \"{SWEDISH}\" (provider = icu, locale = 'sv-SE')"
DROP_SQL = f'DROP COLLATION IF EXISTS "{SWEDISH}"'

_AFTER_Z = {"å": "z\U0010fff1", "ä": "z\U0010fff2", "æ": "z\U0010fff2", "ö": "z\U0010fff3",
            "ø": "z\U0010fff3"}  # fmt: skip
_AS = {"ü": "y", "ÿ": "y"}


def swedish_key(value: str) -> tuple[str, str]:
    """Sort key: the Swedish alphabet first, then the exact text to break ties."""
    letters = []
    for char in (value or "").casefold():
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
        elif char in _AS:
            letters.append(_AS[char])
        else:
            decomposed = unicodedata.normalize("NFD", char)
            letters.append("".join(c for c in decomposed if not unicodedata.combining(c)))
    return "".join(letters), value or ""


def swedish_compare(a: str, b: str) -> int:
    key_a, key_b = swedish_key(a), swedish_key(b)
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: SQLite learns the collation on every connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(SWEDISH, swedish_compare)
