"""The workflow's rules, held by the database: triggers that migrations create.

The model methods are the friendly path, with messages; these are the guarantee, for every
other path (a queryset `update()`, `_base_manager`, raw SQL, a shell):

- approvals and audit entries are insert-only: UPDATE and DELETE raise;
- an approval names the real author of the revision it approves, and its reviewer wrote
  none of the revisions it signs off (those after the item's last approved revision);
- a published item points at a revision of its own that has an approval by someone other
  than that revision's author, and `published` status needs a published revision.

PostgreSQL gets all of it (plpgsql functions, errors with SQLSTATE class 23, so Django
raises IntegrityError). SQLite gets the same triggers except the DELETE guard: Django
empties tables between transactional tests with `DELETE FROM` on SQLite (TRUNCATE, which
fires no row trigger, on PostgreSQL), so there deletes are refused by the application only.
On SQLite a migration that rebuilds one of these tables (most AlterField and AddConstraint
operations) drops its triggers: create them again in the same migration
(tests/core/test_database_guards.py fails until you do).

Neither database stops its owner from dropping a trigger or truncating a table: the promise
is about what the site's own code and its database user's ordinary statements can do.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

from .models import Status

# Revisions of the same item as the approved one (`approved`, a row alias) that the
# approval signs off: those after the last earlier revision somebody approved.
_SIGNED_OFF = """
    SELECT 1 FROM workflow_revision earlier
    WHERE earlier.content_type_id = approved.content_type_id
      AND earlier.object_id = approved.object_id
      AND earlier.number <= approved.number
      AND earlier.number > COALESCE((
          SELECT MAX(signed.number) FROM workflow_revision signed
          JOIN workflow_approval previous ON previous.revision_id = signed.id
          WHERE signed.content_type_id = approved.content_type_id
            AND signed.object_id = approved.object_id
            AND signed.number < approved.number), 0)
      AND earlier.created_by_id = NEW.reviewer_id
"""

_APPROVAL_RULES = [
    (
        "workflow_approval_names_the_author",
        "NEW.revision_author_id <> "
        "(SELECT created_by_id FROM workflow_revision WHERE id = NEW.revision_id)",
        "an approval must name the author of the revision it approves",
    ),
    (
        "workflow_approval_by_a_second_person",
        # Only this module's constants go into the SQL: no input reaches it.
        "EXISTS (SELECT 1 FROM workflow_revision approved WHERE approved.id = NEW.revision_id "  # noqa: S608
        f"AND EXISTS ({_SIGNED_OFF}))",
        "the reviewer wrote a revision this approval signs off",
    ),
]

INSERT_ONLY_TABLES = ("workflow_approval", "workflow_auditentry")


def _published_rule(app_label: str, model: str) -> str:
    # The arguments are the migrations' own constants (a table's app label and model name).
    return f"""
    (NEW.status = '{Status.PUBLISHED.value}' AND NEW.published_revision_id IS NULL)
    OR (NEW.published_revision_id IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM workflow_revision published
        JOIN workflow_approval approval ON approval.revision_id = published.id
        JOIN django_content_type kind ON kind.id = published.content_type_id
        WHERE published.id = NEW.published_revision_id
          AND published.object_id = NEW.id
          AND kind.app_label = '{app_label}' AND kind.model = '{model}'
          AND approval.reviewer_id <> published.created_by_id))
    """  # noqa: S608


def _postgresql_rule(name: str, table: str, events: str, condition: str, message: str) -> list[str]:
    return [
        f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {condition} THEN
                RAISE EXCEPTION '{table}: {message}' USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$""",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} BEFORE {events} ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def _sqlite_rule(name: str, table: str, event: str, condition: str, message: str) -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {name}",
        f"""CREATE TRIGGER {name} BEFORE {event} ON {table}
        WHEN {condition}
        BEGIN SELECT RAISE(ABORT, '{table}: {message}'); END""",
    ]


Statements = dict[str, tuple[list[str], list[str]]]


def _vendor_operation(statements: Statements) -> Any:
    """One RunPython that runs, one statement at a time, the SQL for the database at hand
    (`statements`: vendor -> (forward, backward)); other databases get no triggers."""

    def run(schema_editor: Any, index: int) -> None:
        vendor = schema_editor.connection.vendor
        for statement in statements.get(vendor, ([], []))[index]:
            schema_editor.execute(statement, params=None)

    return migrations.RunPython(
        lambda apps, schema_editor: run(schema_editor, 0),
        lambda apps, schema_editor: run(schema_editor, 1),
        elidable=False,
    )


def approvals_and_audit_guarded() -> Any:
    """Approvals and audit entries insert-only; approvals truthful and by a second person."""
    pg_forward = [
        """CREATE OR REPLACE FUNCTION workflow_refuse_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '%: insert-only, % refused', TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'restrict_violation';
        END $$"""
    ]
    pg_backward: list[str] = []
    sqlite_forward: list[str] = []
    sqlite_backward: list[str] = []
    for table in INSERT_ONLY_TABLES:
        name = f"{table}_insert_only"
        pg_forward += [
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION workflow_refuse_change()",
        ]
        pg_backward.append(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        sqlite_forward += _sqlite_rule(
            f"{name}_update", table, "UPDATE", "1", "insert-only, UPDATE refused"
        )
        sqlite_backward.append(f"DROP TRIGGER IF EXISTS {name}_update")
    pg_backward.append("DROP FUNCTION IF EXISTS workflow_refuse_change()")
    for name, condition, message in _APPROVAL_RULES:
        pg_forward += _postgresql_rule(name, "workflow_approval", "INSERT", condition, message)
        pg_backward += [
            f"DROP TRIGGER IF EXISTS {name} ON workflow_approval",
            f"DROP FUNCTION IF EXISTS {name}()",
        ]
        sqlite_forward += _sqlite_rule(name, "workflow_approval", "INSERT", condition, message)
        sqlite_backward.append(f"DROP TRIGGER IF EXISTS {name}")
    return _vendor_operation(
        {"postgresql": (pg_forward, pg_backward), "sqlite": (sqlite_forward, sqlite_backward)}
    )


def published_needs_an_approval(*, table: str, app_label: str, model: str) -> Any:
    """The reviewed content's table `table` (model `app_label.model`) refuses a published
    item whose published revision is not its own, approved by someone other than its
    author, and `published` status without a published revision."""
    name = f"{table}_published_needs_approval"
    condition = _published_rule(app_label, model)
    message = "published needs its own revision approved by someone other than its author"
    sqlite_forward: list[str] = []
    for event in ("INSERT", "UPDATE"):
        sqlite_forward += _sqlite_rule(f"{name}_{event.lower()}", table, event, condition, message)
    return _vendor_operation(
        {
            "postgresql": (
                _postgresql_rule(name, table, "INSERT OR UPDATE", condition, message),
                [f"DROP TRIGGER IF EXISTS {name} ON {table}", f"DROP FUNCTION IF EXISTS {name}()"],
            ),
            "sqlite": (
                sqlite_forward,
                [f"DROP TRIGGER IF EXISTS {name}_{event}" for event in ("insert", "update")],
            ),
        }
    )
