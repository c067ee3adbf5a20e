"""Superset's configuration for matchday, read from the environment (see .env.example).

Superset loads this file through SUPERSET_CONFIG_PATH, which the stack sets.
"""

import os
import sys
from pathlib import Path

from flask_appbuilder.security.manager import AUTH_DB, AUTH_LDAP, AUTH_OAUTH, AUTH_REMOTE_USER

_STACK_DIR = Path(os.environ.get("MATCHDAY_STACK_DIR") or Path(__file__).resolve().parent.parent / ".stack")
# Superset's own documented placeholder: refused everywhere.
_KNOWN_DEFAULTS = {"", "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET", "thisISaSECRET_1234", "\2\1thisismyscretkey\1\2\\e\\y\\y\\h"}

SECRET_KEY = os.environ.get("SUPERSET_SECRET_KEY", "")
if SECRET_KEY in _KNOWN_DEFAULTS or len(SECRET_KEY) < 32:
    sys.exit(
        "matchday superset: SUPERSET_SECRET_KEY is empty, a known default or shorter than 32 characters: "
        "set it to a long random string (openssl rand -base64 42) in .env."
    )

# Who may log in: Superset's own users (db, the default), or a directory or identity provider,
# which needs its own settings here (AUTH_LDAP_SERVER, OAUTH_PROVIDERS; see Flask-AppBuilder's docs).
_AUTH_TYPES = {"db": AUTH_DB, "ldap": AUTH_LDAP, "oauth": AUTH_OAUTH, "remote_user": AUTH_REMOTE_USER}
_auth_type = (os.environ.get("SUPERSET_AUTH_TYPE") or "db").strip().lower()
if _auth_type not in _AUTH_TYPES:
    sys.exit(
        f"matchday superset: SUPERSET_AUTH_TYPE must be one of {', '.join(_AUTH_TYPES)}, not {_auth_type!r}: "
        "set it in .env."
    )
AUTH_TYPE = _AUTH_TYPES[_auth_type]

SQLALCHEMY_DATABASE_URI = os.environ.get("SUPERSET_METADATA_URI") or f"sqlite:///{_STACK_DIR / 'superset' / 'superset.db'}"

# Dashboards are assets in git and the data source is read-only: no sample data, no uploads.
FEATURE_FLAGS = {
    "DASHBOARD_NATIVE_FILTERS": True,
    "DASHBOARD_CROSS_FILTERS": True,
    "ENABLE_TEMPLATE_PROCESSING": False,
}
# Served over plain HTTP (on localhost by default; a TLS proxy in front otherwise): Talisman's HTTPS policies would break it.
TALISMAN_ENABLED = False
WTF_CSRF_ENABLED = True
SQLLAB_CTAS_NO_LIMIT = True
# The live dashboards refresh every 30 s: don't let the results cache outlive that.
DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 10}
SUPERSET_WEBSERVER_TIMEOUT = 60
ROW_LIMIT = 10000

# The stack runs gunicorn on SUPERSET_BIND_ADDRESS:SUPERSET_PORT; `superset run` uses the same port.
SUPERSET_WEBSERVER_PORT = int(os.environ.get("SUPERSET_PORT") or 8088)
# Assets are imported and exported as code; the REST API is what the export script and tests use.
FAB_API_SWAGGER_UI = False

# The shot map and heat maps draw a pitch in inline SVG from a Handlebars chart (superset/pitch_svg.py),
# whose output Superset sanitizes like any Markdown. Sanitization stays on: the schema is extended by
# exactly the SVG elements and presentation attributes those templates write (hast's property names),
# no script, style, link or event handler.
_SVG_PAINT = ["fill", "fillOpacity", "stroke", "strokeWidth", "strokeOpacity"]
HTML_SANITIZATION_SCHEMA_EXTENSIONS = {
    "tagNames": ["svg", "g", "rect", "line", "circle", "path", "text", "title"],
    "attributes": {
        "svg": ["className", "role", "viewBox", "width"],
        "g": [*_SVG_PAINT, "fontSize"],
        "rect": ["x", "y", "width", "height", *_SVG_PAINT],
        "line": ["x1", "y1", "x2", "y2", *_SVG_PAINT],
        "circle": ["cx", "cy", "r", *_SVG_PAINT],
        "path": ["d", *_SVG_PAINT],
        "text": ["x", "y", "textAnchor", "fill", "fontSize"],
    },
}
