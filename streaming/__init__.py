"""Lands the Kafka topics in PostgreSQL (schema `streaming`) and Parquet with Spark Structured Streaming."""

from .errors import ContractSchemaError, StreamingError

__all__ = ["ContractSchemaError", "StreamingError"]
