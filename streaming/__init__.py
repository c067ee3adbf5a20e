"""Lands the Kafka topics in PostgreSQL (schema `streaming`) and Parquet with Spark Structured Streaming."""

from .errors import ContractError, StreamingError

__all__ = ["ContractError", "StreamingError"]
