"""The team's permissions in PostgreSQL itself: group roles, privileges, row-level security and a
guard trigger, applied (again and again, harmlessly) by `repdesk team init` and after upgrades.

A rep (`repdesk_rep`) reads everything; writes leads they own or unassigned ones (claiming them)
and what hangs on such leads (activities, follow-ups, qualifications, call markers, mail); may set
their own `away`; nothing else. A manager (`repdesk_manager`) writes everything but the history.
The owner of the tables (who ran `team init`) is not subject to row-level security.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

MANAGER = "repdesk_manager"
REP = "repdesk_rep"
GROUPS = (MANAGER, REP)

#: Tables whose rows belong to one lead (`lead_id`): a rep writes them for leads they may change.
LEAD_TABLES = (
    "activities",
    "follow_ups",
    "qualifications",
    "call_markers",
    "outbox",
    "inbound_mail",
    "import_merges",
    "lead_keys",
    "possible_duplicates",
)
#: Tables a rep writes freely (an import run belongs to nobody's lead; a merge of two leads and the
#: calendar events an undo left to cancel neither).
REP_FREE_TABLES = ("imports", "lead_merges", "calendar_tombstones")
#: Written by triggers only (as the owner), never by a login: nobody forges history.
OWNER_ONLY_TABLES = ("lead_history", "alembic_version")

_FUNCTIONS = """
CREATE OR REPLACE FUNCTION repdesk_me() RETURNS integer
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT id FROM reps WHERE login = current_user
$$;
CREATE OR REPLACE FUNCTION repdesk_is_rep() RETURNS boolean
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
    WHERE g.rolname = 'repdesk_rep' AND u.rolname = current_user
  ) AND NOT EXISTS (
    SELECT 1 FROM pg_auth_members m
    JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member
    WHERE g.rolname = 'repdesk_manager' AND u.rolname = current_user
  )
$$;
CREATE OR REPLACE FUNCTION repdesk_may_change_lead(lead integer) RETURNS boolean
LANGUAGE sql STABLE SET search_path = {schema}, pg_temp AS $$
  SELECT NOT repdesk_is_rep() OR EXISTS (
    SELECT 1 FROM leads WHERE id = lead AND (owner_id IS NULL OR owner_id = repdesk_me())
  )
$$;
CREATE OR REPLACE FUNCTION repdesk_guard_lead() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
DECLARE
  lead integer;
  owner integer;
  owner_name text;
BEGIN
  IF NOT repdesk_is_rep() THEN
    RETURN COALESCE(NEW, OLD);
  END IF;
  IF TG_TABLE_NAME = 'leads' THEN
    lead := OLD.id;
    owner := OLD.owner_id;
  ELSE
    lead := OLD.lead_id;
    SELECT owner_id INTO owner FROM leads WHERE id = lead;
  END IF;
  IF owner IS NOT NULL AND owner IS DISTINCT FROM repdesk_me() THEN
    SELECT name INTO owner_name FROM reps WHERE id = owner;
    RAISE EXCEPTION USING
      ERRCODE = 'insufficient_privilege',
      MESSAGE = format('Lead %s belongs to %s; only they or a manager can change it.',
                       lead, COALESCE(owner_name, 'another rep'));
  END IF;
  RETURN COALESCE(NEW, OLD);
END $$;
CREATE OR REPLACE FUNCTION repdesk_stamp_rep() RETURNS trigger
LANGUAGE plpgsql SET search_path = {schema}, pg_temp AS $$
BEGIN
  NEW.updated_by := repdesk_me();
  RETURN NEW;
END $$;
"""

#: Columns that say which rep did something: the database fills them in with the signed-in rep
#: when the writer leaves them out (every activity records which rep did it).
REP_DEFAULTS = (("activities", "rep_id"), ("outbox", "rep_id"))

_MINE = "owner_id IS NULL OR owner_id = repdesk_me()"


def _policies() -> list[tuple[str, str, str]]:
    """(table, policy name, the CREATE POLICY statement's tail)."""
    rows: list[tuple[str, str, str]] = []
    for table in ("leads", *LEAD_TABLES, "reps"):
        rows.append((table, "repdesk_read", f"FOR SELECT TO {MANAGER}, {REP} USING (true)"))
        rows.append(
            (table, "repdesk_manager", f"FOR ALL TO {MANAGER} USING (true) WITH CHECK (true)")
        )
    # Updates and deletes see every row so that the guard trigger can refuse another rep's lead
    # with a sentence (a policy would skip the row without a word); the new row is checked here.
    rows += [
        ("leads", "repdesk_rep_insert", f"FOR INSERT TO {REP} WITH CHECK ({_MINE})"),
        ("leads", "repdesk_rep_update", f"FOR UPDATE TO {REP} USING (true) WITH CHECK ({_MINE})"),
        ("leads", "repdesk_rep_delete", f"FOR DELETE TO {REP} USING (true)"),
    ]
    for table in LEAD_TABLES:
        check = "repdesk_may_change_lead(lead_id)"
        rows += [
            (table, "repdesk_rep_insert", f"FOR INSERT TO {REP} WITH CHECK ({check})"),
            (table, "repdesk_rep_update", f"FOR UPDATE TO {REP} USING (true) WITH CHECK ({check})"),
            (table, "repdesk_rep_delete", f"FOR DELETE TO {REP} USING (true)"),
        ]
    rows.append(
        (
            "reps",
            "repdesk_rep_self",
            f"FOR UPDATE TO {REP} USING (login = current_user) WITH CHECK (login = current_user)",
        )
    )
    return rows


def create_groups(conn: Connection) -> None:
    """The two group roles (cluster-wide; already there when another database made them)."""
    for group in GROUPS:
        exists = conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :g"), {"g": group})
        if not exists:
            conn.execute(text(f"CREATE ROLE {group} NOLOGIN"))


def groups_exist(conn: Connection) -> bool:
    found = conn.scalar(
        text("SELECT count(*) FROM pg_roles WHERE rolname IN (:m, :r)"), {"m": MANAGER, "r": REP}
    )
    return int(found or 0) == len(GROUPS)


def apply_privileges(conn: Connection) -> None:
    """Grants, policies and guard triggers for every table of the schema, from nothing (so that
    running it again, or after a migration added a table, converges to the same state)."""
    schema = '"' + str(conn.scalar(text("SELECT current_schema()"))).replace('"', '""') + '"'
    database = '"' + str(conn.scalar(text("SELECT current_database()"))).replace('"', '""') + '"'
    groups = f"{MANAGER}, {REP}"
    conn.execute(text(_FUNCTIONS.format(schema=schema)))
    statements = [
        # A temporary table could stand in for `reps` in a login's own queries: no temp tables.
        f"REVOKE TEMPORARY ON DATABASE {database} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {database} TO {groups}",
        f"GRANT USAGE ON SCHEMA {schema} TO {groups}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {groups}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {groups}",
        f"GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {MANAGER}",
        f"REVOKE INSERT, UPDATE, DELETE ON {', '.join(OWNER_ONLY_TABLES)} FROM {MANAGER}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {groups}",
        f"GRANT INSERT, UPDATE, DELETE ON leads, {', '.join(LEAD_TABLES + REP_FREE_TABLES)} "
        f"TO {REP}",
        f"GRANT UPDATE (away) ON reps TO {REP}",
    ]
    for statement in statements:
        conn.execute(text(statement))
    for table in ("leads", *LEAD_TABLES, "reps"):
        conn.execute(text(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
    for table, name, tail in _policies():
        conn.execute(text(f"DROP POLICY IF EXISTS {name} ON {table}"))
        conn.execute(text(f"CREATE POLICY {name} ON {table} {tail}"))
    for table, column in REP_DEFAULTS:
        conn.execute(text(f"ALTER TABLE {table} ALTER COLUMN {column} SET DEFAULT repdesk_me()"))
    conn.execute(text("DROP TRIGGER IF EXISTS repdesk_stamp_rep ON follow_ups"))
    conn.execute(
        text(
            "CREATE TRIGGER repdesk_stamp_rep BEFORE UPDATE ON follow_ups "
            "FOR EACH ROW EXECUTE FUNCTION repdesk_stamp_rep()"
        )
    )
    for table in ("leads", *LEAD_TABLES):
        conn.execute(text(f"DROP TRIGGER IF EXISTS repdesk_guard ON {table}"))
        conn.execute(
            text(
                f"CREATE TRIGGER repdesk_guard BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION repdesk_guard_lead()"
            )
        )


def create_login(conn: Connection, login: str, password: str, group: str) -> None:
    """A login role in `group` (login already checked to be a plain lower-case name). The server
    stores a SCRAM verifier computed here: the password never travels in a statement, nor lands
    in a server log."""
    from psycopg import sql

    driver = conn.connection.driver_connection
    verifier = driver.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode(), login.encode(), b"scram-sha-256"
    )
    driver.execute(  # type: ignore[union-attr]
        sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
            sql.Identifier(login), sql.Literal(verifier.decode()), sql.Identifier(group)
        )
    )


def is_team_database(conn: Connection) -> bool:
    """`team init` ran on this database (the groups exist and the reps' group reads its leads);
    the groups are the whole server's, so their existence alone says nothing of this one."""
    return groups_exist(conn) and bool(
        conn.scalar(text(f"SELECT has_table_privilege('{REP}', 'leads', 'SELECT')"))
    )


def is_owner(conn: Connection) -> bool:
    """The session's login owns the tables (or is a superuser): policies do not bind it."""
    return bool(
        conn.scalar(
            text(
                "SELECT pg_get_userbyid(relowner) = current_user OR "
                "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) FROM pg_class "
                "WHERE relname = 'leads' AND relnamespace = current_schema()::regnamespace"
            )
        )
    )


def role_of(conn: Connection, login: str) -> str:
    """ "manager", "rep" or "" for a login (by direct membership of the groups)."""
    found = conn.execute(
        text(
            "SELECT g.rolname FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
            "JOIN pg_roles u ON u.oid = m.member WHERE u.rolname = :login "
            "AND g.rolname IN (:m, :r)"
        ),
        {"login": login, "m": MANAGER, "r": REP},
    ).scalars()
    names = set(found)
    if MANAGER in names:
        return "manager"
    return "rep" if REP in names else ""
