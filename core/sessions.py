"""The session store (``SESSION_ENGINE``): Django's database store, read by a plain query.

Every logged-in request loads its session. Django's store reads it through the ORM
(``Session.objects.get(...)``), whose compiling costs about 0.4 ms a request, several
times the query itself; on the floor of a logged-in page (session, login, one query,
the base template) that was about a seventh of the whole. This store reads the same
row under the same conditions (the key, not expired) with a query written once.
Everything else (creating, saving, deleting, clearing expired sessions) is Django's,
on the same table, so either store reads the sessions the other wrote.
"""

import functools

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


@functools.cache
def _select_sql(alias: str) -> str:
    from django.contrib.sessions.models import Session

    quote = connections[alias].ops.quote_name
    meta = Session._meta
    names = ("session_key", "session_data", "expire_date")
    key, data, expires = (quote(meta.get_field(name).column) for name in names)
    return (
        f"SELECT {key}, {data} FROM {quote(meta.db_table)} "  # noqa: S608 - names from _meta
        f"WHERE {key} = %s AND {expires} > %s"
    )


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The stored session with this key unless it has expired, else None (as Django's).

        Only its key and data are read: ``load`` decodes the data and nothing else uses it.
        """
        alias = router.db_for_read(self.model)
        connection = connections[alias]
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_select_sql(alias), [self.session_key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return self.model.from_db(alias, ["session_key", "session_data"], row)
