"""The earnings ledger is append-only: the database refuses UPDATE and DELETE of its rows
(corrections are new entries). TRUNCATE (test database flushes) is not a row operation."""

from django.db import migrations

CREATE = """
CREATE FUNCTION payouts_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'payouts_ledgerentry is append-only: add a correcting entry instead';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER payouts_ledger_append_only
    BEFORE UPDATE OR DELETE ON payouts_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION payouts_ledger_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS payouts_ledger_append_only ON payouts_ledgerentry;
DROP FUNCTION IF EXISTS payouts_ledger_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("payouts", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
