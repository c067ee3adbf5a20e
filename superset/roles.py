"""The `Analyst` role as code, and the analyst user, applied to Superset by the stack's bootstrap.

An analyst reads the dashboards, charts and datasets on the `matchday` connection and runs
SELECTs in SQL Lab on it; nothing here lets them change a dashboard, chart, dataset or
connection (no `can_write` on those), and the connection itself is PostgreSQL's read-only
`superset` role. The role is set to exactly this list every time, so a permission removed
here is removed from Superset too. The stack runs this with Superset's own Python:

    SUPERSET_ANALYST_PASSWORD=... .venv-superset/bin/python superset/roles.py ANALYST_USER DATABASE
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import envfile  # noqa: E402

ROLE = "Analyst"

# (permission, view) pairs, as Superset names them in Settings > List Roles.
READ_DASHBOARDS = [
    ("can_read", "Dashboard"),
    ("can_read", "Chart"),
    ("can_read", "Dataset"),
    ("can_dashboard", "Superset"),
    ("can_slice", "Superset"),
    ("can_explore", "Superset"),
    ("can_explore_json", "Superset"),
    ("can_dashboard_permalink", "Superset"),
    ("can_log", "Superset"),
    ("can_read", "Explore"),
    ("can_time_range", "Api"),
    ("can_query_form_data", "Api"),
    ("can_query", "Api"),
    ("can_get", "Datasource"),
    ("can_external_metadata", "Datasource"),
    ("can_read", "CssTemplate"),
    ("can_read", "Theme"),
    ("can_read", "CurrentUserRestApi"),
    ("can_read", "Annotation"),
    # Filter state and permalinks are a user's view of a dashboard, kept apart from the dashboard.
    ("can_read", "DashboardFilterStateRestApi"),
    ("can_write", "DashboardFilterStateRestApi"),
    ("can_read", "DashboardPermalinkRestApi"),
    ("can_write", "DashboardPermalinkRestApi"),
    ("can_read", "ExploreFormDataRestApi"),
    ("can_write", "ExploreFormDataRestApi"),
    ("can_read", "ExplorePermalinkRestApi"),
    ("can_write", "ExplorePermalinkRestApi"),
    ("menu_access", "Dashboards"),
    ("menu_access", "Charts"),
    ("menu_access", "Datasets"),
]
SQL_LAB = [
    ("can_sqllab", "Superset"),
    ("can_sqllab_history", "Superset"),
    ("can_read", "Database"),
    ("can_read", "SQLLab"),
    ("can_execute_sql_query", "SQLLab"),
    ("can_get_results", "SQLLab"),
    ("can_format_sql", "SQLLab"),
    ("can_estimate_query_cost", "SQLLab"),
    ("can_export_csv", "SQLLab"),
    ("can_read", "Query"),
    # An analyst's own saved queries: SQL text, not data and not a dashboard.
    ("can_read", "SavedQuery"),
    ("can_write", "SavedQuery"),
    ("can_activate", "TabStateView"),
    ("can_get", "TabStateView"),
    ("can_post", "TabStateView"),
    ("can_put", "TabStateView"),
    ("can_delete", "TabStateView"),
    ("can_delete_query", "TabStateView"),
    ("can_migrate_query", "TabStateView"),
    ("can_post", "TableSchemaView"),
    ("can_expanded", "TableSchemaView"),
    ("can_delete", "TableSchemaView"),
    ("can_read", "SqlLabPermalinkRestApi"),
    ("can_write", "SqlLabPermalinkRestApi"),
    ("menu_access", "SQL Lab"),
    ("menu_access", "SQL Editor"),
    ("menu_access", "Saved Queries"),
    ("menu_access", "Query Search"),
]
OWN_ACCOUNT = [
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_recent_activity", "Log"),
    # The REST API's CSRF token, which every call that is not a GET needs (SQL Lab's too).
    ("can_read", "SecurityRestApi"),
]
ANALYST_PERMISSIONS = READ_DASHBOARDS + SQL_LAB + OWN_ACCOUNT
# Views an analyst must never write to: the dashboards as code and the connection.
NEVER_WRITTEN = {"Dashboard", "Chart", "Dataset", "Database", "Datasource"}


class RoleError(Exception):
    """The role cannot be applied as written; the message names what is missing."""


def apply_analyst_role(security_manager, database_name: str):
    """Set the Analyst role to exactly ANALYST_PERMISSIONS plus access to `database_name` (all its datasets)."""
    from superset import db
    from superset.models.core import Database

    database = db.session.query(Database).filter_by(database_name=database_name).one_or_none()
    if database is None:
        raise RoleError(f"Superset has no database connection {database_name!r}: import the assets first.")
    wanted = list(ANALYST_PERMISSIONS) + [("database_access", database.perm)]
    missing = [pair for pair in wanted if security_manager.find_permission_view_menu(*pair) is None]
    if missing:
        raise RoleError(f"Superset {_version()} has no permission {missing}: update superset/roles.py.")
    role = security_manager.add_role(ROLE)
    role.permissions = [security_manager.find_permission_view_menu(*pair) for pair in wanted]
    db.session.commit()
    return role


def apply_analyst_user(security_manager, username: str, password: str, role) -> None:
    """The analyst user with the Analyst role only, and the password of the settings."""
    from superset import db

    user = security_manager.find_user(username=username)
    if user is None:
        if not security_manager.add_user(username, "matchday", "analyst", f"{username}@localhost", [role],
                                         password=password):
            raise RoleError(f"Superset could not create the user {username!r}; see its log.")
        return
    user.roles = [role]
    user.active = True
    db.session.commit()
    security_manager.reset_password(user.id, password)


def _version() -> str:
    from importlib.metadata import version

    return version("apache-superset")


def main(username: str, database_name: str) -> int:
    envfile.load_defaults()  # as the Makefile does; the stack's own settings, already set, win
    password = os.environ.get("SUPERSET_ANALYST_PASSWORD") or ""
    if not password:
        print("matchday superset: SUPERSET_ANALYST_PASSWORD is empty: the stack sets it (python -m stack.superset).",
              file=sys.stderr)
        return 1
    from superset.app import create_app

    with create_app().app_context():
        from superset import security_manager

        try:
            role = apply_analyst_role(security_manager, database_name)
            apply_analyst_user(security_manager, username, password, role)
        except RoleError as exc:
            print(f"matchday superset: {exc}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
