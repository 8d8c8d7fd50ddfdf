"""Database sessions (settings.SESSION_ENGINE) whose read is one statement written once, not
compiled by the ORM on every request: it is the first query of every signed-in page and of
every dashboard poll (core.rows says why). Writing, expiry and clearing are Django's."""

from django.contrib.sessions.backends import db
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        model = self.model
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT session_data, expire_date FROM {table}"
                " WHERE session_key = %s AND expire_date > %s",
                [self.session_key, timezone.now()],
            )
            row = cursor.fetchone()
        if row is None:
            self._session_key = None  # as Django's: an unknown or expired key starts afresh
            return None
        return model(session_key=self.session_key, session_data=row[0], expire_date=row[1])
