"""The candidate walk also skips, inside its index scan, pros who are booked at the slot.

Three columns on pros_zonecell, outside the Django model like the pros app's 0009 columns:
- `booked`: the pro's coming busy periods, the `busy` ranges ([start, end + travel buffer)) of
  their first 32 bookings, by start, that are not cancelled and not over when it is written,
  merged into one multirange. 32 keep the index row small (about 0.7 KB at worst) and cover a
  busy pro's next week or two, when nearly every request is for.
- `booked_from`, `booked_until`: the window it is complete for: when it was written, and the
  start of the 33rd such booking (infinity when there is none). Every booking that is not
  cancelled and overlaps [booked_from, booked_until) is in `booked`.

So the walk skips a pro whose `booked` overlaps the slot (they are truly booked then), and for
a slot inside the window it needs no row-by-row probe of the bookings at all; outside it (a
pro with more than 32 coming bookings, a slot before the write) it probes them as before.

Kept by triggers on bookings_booking, whatever writes it (the ORM, the admin, a cascade, a
COPY), and filled when a zone cell is inserted. Each write first takes the pro's zone-cell
lock (`pros_zonecell_lock`, pros 0010) and then reads in a new statement, so concurrent
writes for one pro cannot leave a cancelled booking on the cells, nor miss a new one. The
columns live on the pros app's table but are the bookings app's: only this migration and the
walk (bookings.dispatch.candidate_sql) know them.
"""

from django.db import migrations

# The walk's index, as pros 0009 made it and as it is now (with the three columns).
_WALK_INDEX = """
DROP INDEX IF EXISTS zone_cell_walk;
CREATE INDEX zone_cell_walk ON pros_zonecell (cell, score DESC, distance_m, pro_id)
    INCLUDE ({columns}) WHERE dispatchable;
"""

FORWARD = (
    """
-- The defaults are complete for no window: a cell written without them (triggers off) makes
-- the walk probe every booking, as before this migration.
ALTER TABLE pros_zonecell
    ADD COLUMN booked tstzmultirange NOT NULL DEFAULT '{}',
    ADD COLUMN booked_from timestamptz NOT NULL DEFAULT 'infinity',
    ADD COLUMN booked_until timestamptz NOT NULL DEFAULT '-infinity';

-- Who is booked when: the same rule as the walk's row-by-row probe and the exclusion
-- constraint (a booking that is not cancelled holds its `busy` range). Complete from now()
-- (the caller's `booked_from`) to `booked_until`.
CREATE FUNCTION bookings_pro_booked(
    p_pro bigint, OUT booked tstzmultirange, OUT booked_until timestamptz
) LANGUAGE sql STABLE AS $$
    SELECT coalesce(range_agg(coming.busy) FILTER (WHERE coming.n <= 32), '{}'),
           coalesce(min(lower(coming.busy)) FILTER (WHERE coming.n = 33), 'infinity')
    FROM (
        SELECT b.busy, row_number() OVER (ORDER BY lower(b.busy)) AS n
        FROM bookings_booking b
        WHERE b.pro_id = p_pro AND NOT (b.status = 'cancelled')
          AND b.busy && tstzrange(now(), NULL)
        ORDER BY lower(b.busy) LIMIT 33
    ) coming
$$;

CREATE FUNCTION bookings_zonecell_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pros_zonecell_lock(NEW.pro_id);
    SELECT booked, booked_until INTO NEW.booked, NEW.booked_until
    FROM bookings_pro_booked(NEW.pro_id);
    NEW.booked_from := now();
    RETURN NEW;
END $$;

CREATE TRIGGER bookings_zonecell_fill BEFORE INSERT ON pros_zonecell
FOR EACH ROW EXECUTE FUNCTION bookings_zonecell_fill();

CREATE FUNCTION bookings_zonecell_refresh_pro(p_pro bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pros_zonecell_lock(p_pro);
    -- A new statement: its snapshot sees what the lock's previous holder committed.
    UPDATE pros_zonecell zc
    SET booked = pro.booked, booked_from = now(), booked_until = pro.booked_until
    FROM bookings_pro_booked(p_pro) pro
    WHERE zc.pro_id = p_pro;
END $$;

CREATE FUNCTION bookings_zonecell_booked() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM bookings_zonecell_refresh_pro(OLD.pro_id);
    END IF;
    IF TG_OP = 'INSERT' OR NEW.pro_id IS DISTINCT FROM OLD.pro_id THEN
        PERFORM bookings_zonecell_refresh_pro(NEW.pro_id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER bookings_zonecell_booked AFTER INSERT OR DELETE ON bookings_booking
FOR EACH ROW EXECUTE FUNCTION bookings_zonecell_booked();
-- Only what changes whether or when the pro is busy (not completion, payment, notes...).
CREATE TRIGGER bookings_zonecell_booked_update AFTER UPDATE ON bookings_booking
FOR EACH ROW WHEN (
    OLD.pro_id IS DISTINCT FROM NEW.pro_id
    OR OLD.busy IS DISTINCT FROM NEW.busy
    OR (OLD.status = 'cancelled') IS DISTINCT FROM (NEW.status = 'cancelled')
) EXECUTE FUNCTION bookings_zonecell_booked();

-- Complete for no window: the walk probes every booking, as before this migration.
CREATE FUNCTION bookings_zonecell_truncated() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE pros_zonecell SET booked = '{}', booked_from = 'infinity', booked_until = 'infinity';
    RETURN NULL;
END $$;

CREATE TRIGGER bookings_zonecell_truncated AFTER TRUNCATE ON bookings_booking
FOR EACH STATEMENT EXECUTE FUNCTION bookings_zonecell_truncated();

-- One call per pro, not per cell.
UPDATE pros_zonecell zc
SET booked = pro.booked, booked_from = now(), booked_until = pro.booked_until
FROM (SELECT p.id, b.booked, b.booked_until
      FROM pros_pro p CROSS JOIN LATERAL bookings_pro_booked(p.id) b) pro
WHERE zc.pro_id = pro.id;
"""
    + _WALK_INDEX.format(columns="offered_services, week_hours, booked, booked_from, booked_until")
)

BACKWARD = (
    _WALK_INDEX.format(columns="offered_services, week_hours")
    + """
DROP TRIGGER IF EXISTS bookings_zonecell_truncated ON bookings_booking;
DROP TRIGGER IF EXISTS bookings_zonecell_booked_update ON bookings_booking;
DROP TRIGGER IF EXISTS bookings_zonecell_booked ON bookings_booking;
DROP TRIGGER IF EXISTS bookings_zonecell_fill ON pros_zonecell;
DROP FUNCTION IF EXISTS bookings_zonecell_truncated();
DROP FUNCTION IF EXISTS bookings_zonecell_booked();
DROP FUNCTION IF EXISTS bookings_zonecell_refresh_pro(bigint);
DROP FUNCTION IF EXISTS bookings_zonecell_fill();
DROP FUNCTION IF EXISTS bookings_pro_booked(bigint);
ALTER TABLE pros_zonecell DROP COLUMN IF EXISTS booked, DROP COLUMN IF EXISTS booked_from,
    DROP COLUMN IF EXISTS booked_until;
"""
)


class Migration(migrations.Migration):
    dependencies = [
        ("bookings", "0007_booking_sweep_indexes"),
        ("pros", "0010_zone_cell_refresh_locked"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
