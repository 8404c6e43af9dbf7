"""Django's database sessions, with the one read that every signed-in request makes written as
plain SQL.

Building `Session.objects.get(session_key=…, expire_date__gt=now)` through the ORM cost about
0.4 ms of CPU per request on the bench machine, several times the query itself (`make bench`,
"fixed"); this is the same query with the same conditions. Writing, expiry, `clearsessions` and
the async path stay Django's own.
"""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The stored session (its key and data: what `load` reads), or None as Django answers for
        a missing or expired one."""
        model = self.model
        connection = connections[router.db_for_read(model)]
        expire_date = model._meta.get_field("expire_date")
        table, key, data, expires = (
            connection.ops.quote_name(name)
            for name in (model._meta.db_table, "session_key", "session_data", expire_date.column)
        )
        with connection.cursor() as cursor:
            cursor.execute(
                # Quoted names from the model; the values are parameters.
                f"SELECT {data} FROM {table} WHERE {key} = %s AND {expires} > %s",  # noqa: S608  # nosec B608
                [self.session_key, expire_date.get_db_prep_value(timezone.now(), connection)],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return model(session_key=self.session_key, session_data=row[0])
