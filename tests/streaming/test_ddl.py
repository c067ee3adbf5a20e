"""The committed DDL (streaming/sql/tables.sql) is the one the contracts generate today."""

from pathlib import Path

from streaming import ddl
from streaming.job import load_contracts
from streaming.settings import Settings

SQL = Path(__file__).resolve().parents[2] / "streaming" / "sql" / "tables.sql"


def test_tables_sql_is_up_to_date_with_the_contracts():
    settings = Settings.from_env({})
    assert SQL.read_text() == ddl.render(load_contracts(settings)), "run `python -m streaming ddl > streaming/sql/tables.sql`"


def test_topic_tables_have_the_contract_fields_then_raw_and_kafka_metadata():
    contracts = load_contracts(Settings.from_env({}))
    sql = ddl.render(contracts)
    block = sql.split("CREATE TABLE IF NOT EXISTS streaming.match_events (")[1].split(");")[0]
    columns = [line.split()[0] for line in block.strip().splitlines()]
    assert columns[: len(contracts["match_events"].struct)] == contracts["match_events"].struct.fieldNames()
    assert columns[-1] == "PRIMARY"
    assert columns[-8:-1] == ["raw", "kafka_topic", "kafka_partition", "kafka_offset", "kafka_timestamp", "landed_at", "batch_id"]
