"""Import the asset bundle stack.superset zips from superset/assets/ into Superset, overwriting every object.

`superset import-dashboards` overwrites the dashboards only: a chart or dataset that exists keeps
its old definition, so a changed chart never reached a running stack. Superset's
ImportAssetsCommand (behind POST /api/v1/assets/import/) overwrites databases, datasets, charts
and dashboards alike. The stack runs this with Superset's own Python and configuration:

    .venv-superset/bin/python superset/import_assets.py BUNDLE.zip ADMIN_USER
"""

from __future__ import annotations

import sys
from pathlib import Path
from zipfile import ZipFile

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stack import envfile  # noqa: E402


def main(bundle: str, username: str) -> int:
    envfile.load_defaults()  # as the Makefile does; the stack's own settings, already set, win
    from superset.app import create_app

    with create_app().app_context():
        from superset import security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle
        from superset.utils.core import override_user

        with ZipFile(bundle) as archive:
            contents = get_contents_from_bundle(archive)
        with override_user(security_manager.find_user(username=username)):
            ImportAssetsCommand(contents).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
