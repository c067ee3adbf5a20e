"""Commands run without make read the same settings file as the Makefile."""

from __future__ import annotations

from stack import envfile


def test_env_file_fills_unset_variables_and_the_shell_wins(tmp_path):
    (tmp_path / ".env.example").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\n")
    (tmp_path / ".env").write_text(
        "# a comment=not a setting\n"
        "KAFKA_BOOTSTRAP_SERVERS=localhost:19092\n"
        'STREAMING_WATERMARK="10 minutes"\n'
        "POSTGRES_PASSWORD=from-file\n"
        "SUPERSET_SECRET_KEY=\n"
    )
    env = {"POSTGRES_PASSWORD": "from-shell"}
    assert envfile.load_defaults(env, root=tmp_path) == tmp_path / ".env"
    assert env == {
        "KAFKA_BOOTSTRAP_SERVERS": "localhost:19092",
        "STREAMING_WATERMARK": "10 minutes",
        "POSTGRES_PASSWORD": "from-shell",
        "SUPERSET_SECRET_KEY": "",
    }


def test_without_env_the_example_is_read(tmp_path):
    (tmp_path / ".env.example").write_text("KAFKA_BOOTSTRAP_SERVERS=localhost:9092\n")
    env: dict[str, str] = {}
    assert envfile.load_defaults(env, root=tmp_path) == tmp_path / ".env.example"
    assert env == {"KAFKA_BOOTSTRAP_SERVERS": "localhost:9092"}
