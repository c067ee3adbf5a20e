"""Export every dashboard of a running Superset (with its charts, datasets and database) into superset/assets/.

Run it after editing a dashboard in the UI (or after build_assets.py); commit the YAML it writes:
the stack imports exactly that. Files are named after the objects, not their ids, so an export
from another Superset changes only what really changed.

    .venv/bin/python superset/export_assets.py
"""

from __future__ import annotations

import io
import re
import shutil
import sys
import zipfile
from pathlib import Path

import yaml

from superset_api import SupersetApi, SupersetApiError, _rison

ASSETS = Path(__file__).resolve().parent / "assets"
FOLDERS = ("databases", "datasets", "charts", "dashboards")


def _file_name(folder: str, config: dict) -> str:
    name = {
        "databases": lambda: config["database_name"],
        "datasets": lambda: f"{config['schema']}.{config['table_name']}",
        "charts": lambda: config["slice_name"],
        "dashboards": lambda: config["dashboard_title"],
    }[folder]()
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") + ".yaml"


def _clean(folder: str, config: dict) -> dict:
    """Drop what only describes the Superset it came from (ids in params), so exports are stable."""
    if folder == "charts":
        config.get("params", {}).pop("slice_id", None)
    if folder == "databases":
        # The password is never exported (Superset masks it); host and port come from POSTGRES_* at import.
        config["sqlalchemy_uri"] = re.sub(r":[^:@/]*@", ":XXXXXXXXXX@", config["sqlalchemy_uri"])
    return config


def export(api: SupersetApi, target: Path = ASSETS) -> list[str]:
    ids = [d["id"] for d in api.list("dashboard")]
    if not ids:
        raise SupersetApiError("Superset has no dashboards to export.")
    bundle = api.get("/api/v1/dashboard/export/", params={"q": _rison(ids)})
    files: dict[str, str] = {}
    with zipfile.ZipFile(io.BytesIO(bundle)) as archive:
        for member in archive.namelist():
            relative = member.split("/", 1)[1]
            folder = relative.split("/", 1)[0]
            config = yaml.safe_load(archive.read(member))
            if folder in FOLDERS:
                files[f"{folder}/{_file_name(folder, config)}"] = yaml.safe_dump(_clean(folder, config), sort_keys=True)
            elif relative == "metadata.yaml":
                # Without the export's timestamp: it would make every export a change.
                config.pop("timestamp", None)
                files[relative] = yaml.safe_dump(config, sort_keys=True)
    for folder in FOLDERS:
        shutil.rmtree(target / folder, ignore_errors=True)
    for relative, text in sorted(files.items()):
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return sorted(files)


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from stack import envfile
    from stack.superset import SupersetSettings

    envfile.load_defaults()  # as the Makefile does, for runs without make
    settings = SupersetSettings.from_env()
    try:
        written = export(SupersetApi(settings.url, settings.admin_user, settings.admin_password))
    except SupersetApiError as exc:
        print(f"export_assets: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {len(written)} files under {ASSETS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
