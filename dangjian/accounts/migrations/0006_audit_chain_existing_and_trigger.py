"""Chain the entries written before the hash chain existed, then (PostgreSQL) install the trigger
that refuses UPDATE and DELETE on the audit log.

The trigger lets a DELETE through only inside a transaction that set
``dangjian.audit_archiving = 'on'`` (SET LOCAL): the archive command, after it has written the
entries to an archive file and recorded its digest (accounts/audit_archive.py).
"""

from django.db import migrations

TRIGGER = """
CREATE OR REPLACE FUNCTION accounts_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('dangjian.audit_archiving', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '审计日志只能追加，不可修改或删除（%）', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
CREATE TRIGGER accounts_auditentry_append_only
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_auditentry_append_only();
"""

DROP_TRIGGER = """
DROP TRIGGER IF EXISTS accounts_auditentry_append_only ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_auditentry_append_only();
"""


def chain_existing(apps, schema_editor):
    from dangjian.accounts.audit_chain import content_hash

    AuditEntry = apps.get_model("accounts", "AuditEntry")
    AuditChainHead = apps.get_model("accounts", "AuditChainHead")
    previous = ""
    last_id = None
    for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
        entry_hash = content_hash(entry, previous)
        AuditEntry.objects.filter(pk=entry.pk).update(prev_hash=previous, entry_hash=entry_hash)
        previous, last_id = entry_hash, entry.pk
    AuditChainHead.objects.update_or_create(pk=1, defaults={"last_hash": previous, "last_entry_id": last_id})


def install_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER, params=None)


def remove_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_audit_hash_chain")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(install_trigger, remove_trigger),
    ]
