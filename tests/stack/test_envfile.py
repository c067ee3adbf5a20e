"""Commands run without make read the same settings file as the Makefile."""

from __future__ import annotations

from stack import envfile


def test_env_file_fills_unset_variables_and_the_shell_wins(tmp_path):
    (tmp_path / ".env.example").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\n")
    (tmp_path / ".env").write_text(
        "# a comment=not a setting\n"
        "KAFKA_BOOTSTRAP_SERVERS=localhost:19092\n"
        'STREAMING_TRIGGER_INTERVAL="2 seconds"\n'
        "POSTGRES_PASSWORD=from-file\n"
        "SUPERSET_SECRET_KEY=\n"
    )
    env = {"POSTGRES_PASSWORD": "from-shell"}
    assert envfile.load_defaults(env, root=tmp_path) == tmp_path / ".env"
    assert env == {
        "KAFKA_BOOTSTRAP_SERVERS": "localhost:19092",
        "STREAMING_TRIGGER_INTERVAL": "2 seconds",
        "POSTGRES_PASSWORD": "from-shell",
        "SUPERSET_SECRET_KEY": "",
    }


def test_without_env_the_example_is_read(tmp_path):
    (tmp_path / ".env.example").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\n")
    env: dict[str, str] = {}
    assert envfile.load_defaults(env, root=tmp_path) == tmp_path / ".env.example"
    assert env == {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}


def test_outside_a_checkout_there_is_no_file_and_nothing_is_read(tmp_path):
    env = {"KAFKA_BOOTSTRAP_SERVERS": "broker:9092"}
    assert envfile.load_defaults(env, root=tmp_path) is None
    assert env == {"KAFKA_BOOTSTRAP_SERVERS": "broker:9092"}


def test_every_entry_point_reads_the_settings_file_first():
    """Each `python -m` command (a module run as a program) fills its settings from the file the
    same way before it reads any, so a run without make sees what make would export."""
    import ast

    from stack import ROOT

    entry_points = [path for package in ("ingest", "streaming", "stack", "bench", "dbt_project", "superset", "nifi")
                    for path in (ROOT / package).rglob("*.py") if '__name__ == "__main__"' in path.read_text()]
    assert len(entry_points) >= 10
    missing = []
    for path in entry_points:
        main = next((node for node in ast.parse(path.read_text()).body
                     if isinstance(node, ast.FunctionDef) and node.name == "main"), None)
        calls = [] if main is None else [node for node in ast.walk(main) if isinstance(node, ast.Call)
                                         and ast.unparse(node.func) == "envfile.load_defaults"]
        if not calls:
            missing.append(str(path.relative_to(ROOT)))
    assert missing == []
