"""The candidate walk's filters on the zone cells themselves (pros.models.ZoneCell says why):
two columns kept by triggers, outside the Django model, and the walk's index that carries them.

- `offered_services`: the ids of the services the pro offers (exactly pros_pro_services);
- `week_hours`: the pro's working hours as seconds of the week (weekday * 86400 + seconds of
  the day, start rounded down, end rounded up), merged into one multirange: a slot none of its
  ranges contains is covered by no working-hours row (the walk still checks the row itself).

Both are set when a zone cell is inserted and refreshed, for every cell of the pro, whenever a
row of pros_pro_services or pros_workinghours is written, whatever writes it (the ORM, the
admin, a COPY, a cascade).
"""

from django.db import migrations

FORWARD = """
ALTER TABLE pros_zonecell
    ADD COLUMN offered_services bigint[] NOT NULL DEFAULT '{}',
    ADD COLUMN week_hours int4multirange NOT NULL DEFAULT '{}';

CREATE FUNCTION pros_offered_services(p_pro bigint) RETURNS bigint[]
LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(service_id ORDER BY service_id), '{}')
    FROM pros_pro_services WHERE pro_id = p_pro
$$;

-- A weekday's wall-clock span as seconds of the week, rounded outwards: the one rule for the
-- pros' hours below and for the slot the candidate walk looks for.
CREATE FUNCTION pros_week_range(p_weekday integer, p_from time, p_to time) RETURNS int4range
LANGUAGE sql IMMUTABLE AS $$
    SELECT int4range(p_weekday * 86400 + floor(extract(epoch FROM p_from))::integer,
                     p_weekday * 86400 + ceil(extract(epoch FROM p_to))::integer, '[]')
$$;

CREATE FUNCTION pros_week_hours(p_pro bigint) RETURNS int4multirange
LANGUAGE sql STABLE AS $$
    SELECT coalesce(range_agg(pros_week_range(weekday, start_time, end_time)), '{}')
    FROM pros_workinghours WHERE pro_id = p_pro
$$;

CREATE FUNCTION pros_zonecell_fill() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.offered_services := pros_offered_services(NEW.pro_id);
    NEW.week_hours := pros_week_hours(NEW.pro_id);
    RETURN NEW;
END $$;

CREATE TRIGGER pros_zonecell_fill BEFORE INSERT ON pros_zonecell
FOR EACH ROW EXECUTE FUNCTION pros_zonecell_fill();

CREATE FUNCTION pros_zonecell_refresh_pro(p_table text, p_pro bigint) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_table = 'pros_pro_services' THEN
        UPDATE pros_zonecell SET offered_services = pros_offered_services(p_pro)
        WHERE pro_id = p_pro;
    ELSE
        UPDATE pros_zonecell SET week_hours = pros_week_hours(p_pro) WHERE pro_id = p_pro;
    END IF;
END $$;

CREATE FUNCTION pros_zonecell_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM pros_zonecell_refresh_pro(TG_TABLE_NAME, OLD.pro_id);
    END IF;
    IF TG_OP = 'INSERT' THEN
        PERFORM pros_zonecell_refresh_pro(TG_TABLE_NAME, NEW.pro_id);
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.pro_id IS DISTINCT FROM OLD.pro_id THEN
            PERFORM pros_zonecell_refresh_pro(TG_TABLE_NAME, NEW.pro_id);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER pros_zonecell_services AFTER INSERT OR UPDATE OR DELETE ON pros_pro_services
FOR EACH ROW EXECUTE FUNCTION pros_zonecell_refresh();
CREATE TRIGGER pros_zonecell_hours AFTER INSERT OR UPDATE OR DELETE ON pros_workinghours
FOR EACH ROW EXECUTE FUNCTION pros_zonecell_refresh();

UPDATE pros_zonecell
SET offered_services = pros_offered_services(pro_id), week_hours = pros_week_hours(pro_id);

-- The walk's index: the ranking order, carrying both filters for index-only scans.
CREATE INDEX zone_cell_walk ON pros_zonecell (cell, score DESC, distance_m, pro_id)
    INCLUDE (offered_services, week_hours) WHERE dispatchable;
"""

BACKWARD = """
DROP INDEX IF EXISTS zone_cell_walk;
DROP TRIGGER IF EXISTS pros_zonecell_services ON pros_pro_services;
DROP TRIGGER IF EXISTS pros_zonecell_hours ON pros_workinghours;
DROP TRIGGER IF EXISTS pros_zonecell_fill ON pros_zonecell;
DROP FUNCTION IF EXISTS pros_zonecell_refresh();
DROP FUNCTION IF EXISTS pros_zonecell_refresh_pro(text, bigint);
DROP FUNCTION IF EXISTS pros_zonecell_fill();
DROP FUNCTION IF EXISTS pros_week_hours(bigint);
DROP FUNCTION IF EXISTS pros_offered_services(bigint);
DROP FUNCTION IF EXISTS pros_week_range(integer, time, time);
ALTER TABLE pros_zonecell DROP COLUMN IF EXISTS offered_services,
    DROP COLUMN IF EXISTS week_hours;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("pros", "0008_preposition_labels"),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD),
        migrations.RemoveIndex(model_name="zonecell", name="zone_cell_ranked"),
    ]
