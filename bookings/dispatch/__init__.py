"""The dispatch engine: who is asked, when, and what happens when they answer or do not.

policy.py      the wave policy: how many pros at once and how long they have, by lead time
candidates.py  the candidate query (one indexed SQL statement) and the other pro searches
candidate_sql.py  its SQL: the bounded index walk (a PL/pgSQL function) and its calls
engine.py      one step of the engine for one request, the sweep, and support's levers
claims.py      a step's locking reads (one request, a wake-up's, a claimed batch)
steps.py       one set-based engine step for a list of locked requests
wakeups.py     the broker wake-ups (a due time is data; a wake-up only makes it prompt)
"""
