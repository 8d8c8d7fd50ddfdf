"""The zone cells' trigger-kept columns (0009) stay exact under concurrent writes.

Before, a refresh computed a pro's services or hours from its statement's snapshot: a write
committed by another transaction while this one waited for the zone-cell rows was missed, so
two concurrent edits could leave a service the pro no longer offers on their cells (the walk
would then ask them for it). Every fill and refresh now first takes the pro's zone-cell lock
(a transaction-level advisory lock, `pros_zonecell_lock`, also taken by the bookings app's
`booked` column) and only then reads, in a new statement, so with a snapshot that sees
whatever the previous holder committed.

TRUNCATE fires no row trigger: truncating the services or hours table now empties the
matching column of every cell (what it must then hold).
"""

from django.db import migrations

# 0009's fill and refresh, with or without the lock taken first: forward takes it, backward
# restores 0009's functions as they were.
_FILL_AND_REFRESH = """
CREATE OR REPLACE FUNCTION pros_zonecell_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN{lock_new}
    NEW.offered_services := pros_offered_services(NEW.pro_id);
    NEW.week_hours := pros_week_hours(NEW.pro_id);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION pros_zonecell_refresh_pro(p_table text, p_pro bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN{lock_pro}
    IF p_table = 'pros_pro_services' THEN
        UPDATE pros_zonecell SET offered_services = pros_offered_services(p_pro)
        WHERE pro_id = p_pro;
    ELSE
        UPDATE pros_zonecell SET week_hours = pros_week_hours(p_pro) WHERE pro_id = p_pro;
    END IF;
END $$;
"""

FORWARD = (
    """
-- One lock per pro for every write of the zone cells' trigger-kept columns.
CREATE FUNCTION pros_zonecell_lock(p_pro bigint) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(hashtext('pros_zonecell'), (p_pro & 2147483647)::integer)
$$;
"""
    + _FILL_AND_REFRESH.format(
        lock_new="\n    PERFORM pros_zonecell_lock(NEW.pro_id);",
        # The statements after it are new ones: their snapshot sees what the lock's previous
        # holder committed.
        lock_pro="\n    PERFORM pros_zonecell_lock(p_pro);",
    )
    + """
CREATE FUNCTION pros_zonecell_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'pros_pro_services' THEN
        UPDATE pros_zonecell SET offered_services = '{}' WHERE offered_services <> '{}';
    ELSE
        UPDATE pros_zonecell SET week_hours = '{}' WHERE week_hours <> '{}';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pros_zonecell_services_truncated AFTER TRUNCATE ON pros_pro_services
FOR EACH STATEMENT EXECUTE FUNCTION pros_zonecell_truncated();
CREATE TRIGGER pros_zonecell_hours_truncated AFTER TRUNCATE ON pros_workinghours
FOR EACH STATEMENT EXECUTE FUNCTION pros_zonecell_truncated();
"""
)

BACKWARD = (
    """
DROP TRIGGER IF EXISTS pros_zonecell_services_truncated ON pros_pro_services;
DROP TRIGGER IF EXISTS pros_zonecell_hours_truncated ON pros_workinghours;
DROP FUNCTION IF EXISTS pros_zonecell_truncated();
"""
    + _FILL_AND_REFRESH.format(lock_new="", lock_pro="")
    + """
DROP FUNCTION IF EXISTS pros_zonecell_lock(bigint);
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("pros", "0009_zone_cell_walk_filters"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
