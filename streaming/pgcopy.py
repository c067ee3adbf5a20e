"""Arrow rows in PostgreSQL's binary COPY format (the COPY page of PostgreSQL's manual, "Binary
Format"), built with Arrow's own functions. PostgreSQL reads it about twice as fast as the same
rows in CSV: it parses no number, time or quoted text, only jsonb's text.

Pure: no I/O. Each column's values must have the Arrow type of its PostgreSQL column (`encodable`);
the lander writes CSV otherwise.
"""

from __future__ import annotations

import io
import sys
from array import array
from typing import Sequence

import pyarrow as pa
import pyarrow.compute as pc

# PostgreSQL's type OIDs (its catalog, pg_type.dat) of the column types the lander writes in binary.
BOOL, INT8, INT4, TEXT, FLOAT8, DATE, TIMESTAMPTZ, JSONB = 16, 20, 23, 25, 701, 1082, 1184, 3802

HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(4) + bytes(4)  # signature, flags, header extension length
TRAILER = (-1).to_bytes(2, "big", signed=True)
JSONB_VERSION = b"\x01"
# PostgreSQL counts time from 2000-01-01: its microseconds and days after 1970-01-01.
EPOCH_MICROSECONDS = 946_684_800_000_000
EPOCH_DAYS = 10_957

_BYTES = pa.large_binary()
_NULL = pa.scalar((-1).to_bytes(4, "big", signed=True), _BYTES)
_EMPTY = pa.scalar(b"", _BYTES)
# Fixed-width types: (array module type code, bytes, Arrow type the values are cast to).
_FIXED = {INT8: ("q", 8, pa.int64()), INT4: ("i", 4, pa.int32()), FLOAT8: ("d", 8, pa.float64()),
          TIMESTAMPTZ: ("q", 8, pa.int64()), DATE: ("i", 4, pa.int32())}


def _fits(data_type: pa.DataType, oid: int) -> bool:
    if oid in (INT8, INT4):
        return pa.types.is_integer(data_type)
    if oid == FLOAT8:
        return pa.types.is_floating(data_type) or pa.types.is_integer(data_type)
    if oid == BOOL:
        return pa.types.is_boolean(data_type)
    if oid in (TEXT, JSONB):
        return pa.types.is_string(data_type) or pa.types.is_large_string(data_type)
    if oid == TIMESTAMPTZ:  # a time without a zone would mean the session's zone in text: left to CSV
        return pa.types.is_timestamp(data_type) and data_type.tz is not None
    if oid == DATE:
        return pa.types.is_date32(data_type)
    return False


def encodable(schema: pa.Schema, oids: Sequence[int]) -> bool:
    """Whether `binary_copy` writes rows of `schema` into columns of these type OIDs (in order)."""
    return len(schema) == len(oids) and all(_fits(field.type, oid) for field, oid in zip(schema, oids))


def _prefixed(length: int) -> pa.Scalar:
    return pa.scalar(length.to_bytes(4, "big", signed=True), _BYTES)


def _big_endian(values: pa.Array, code: str, width: int) -> pa.Array:
    """Each value's bytes in network order, as fixed-size binary (nulls kept)."""
    validity, data = values.buffers()[:2]
    swapped = array(code)
    swapped.frombytes(memoryview(data)[: (values.offset + len(values)) * width])
    if sys.byteorder == "little":
        swapped.byteswap()
    return pa.FixedSizeBinaryArray.from_buffers(pa.binary(width), len(values), [validity, pa.py_buffer(swapped)], offset=values.offset)


def _field(values: pa.Array, oid: int) -> pa.Array:
    """A column's fields: each a 4-byte length and the value's bytes, or the length -1 for null."""
    if oid in _FIXED:
        code, width, arrow_type = _FIXED[oid]
        if oid == TIMESTAMPTZ:
            values = pc.subtract(pc.cast(pc.cast(values, pa.timestamp("us", tz="UTC")), pa.int64()), EPOCH_MICROSECONDS)
        elif oid == DATE:
            values = pc.subtract(pc.cast(values, pa.int32()), EPOCH_DAYS)
        values = pc.cast(values, arrow_type)  # an integer too large for the column raises here
        encoded = pc.binary_join_element_wise(_prefixed(width), pc.cast(_big_endian(values, code, width), _BYTES), _EMPTY)
    elif oid == BOOL:
        encoded = pc.if_else(values, pa.scalar(b"\x00\x00\x00\x01\x01", _BYTES), pa.scalar(b"\x00\x00\x00\x01\x00", _BYTES))
    else:  # text, or jsonb: its version, then the text
        text = pc.cast(values, _BYTES)
        version = JSONB_VERSION if oid == JSONB else b""
        lengths = pc.cast(pc.add(pc.binary_length(text), len(version)), pa.int32())
        length = pc.cast(_big_endian(lengths, "i", 4), _BYTES)
        encoded = pc.binary_join_element_wise(length, pa.scalar(version, _BYTES), text, _EMPTY)
    return pc.coalesce(encoded, _NULL)


def binary_copy(rows: pa.Table, oids: Sequence[int]) -> io.BytesIO:
    """`rows` as the data of `COPY ... FROM STDIN WITH (FORMAT binary)` into columns of these type OIDs
    (`encodable` must hold)."""
    out = io.BytesIO()
    out.write(HEADER)
    if rows.num_rows:
        count = pa.scalar(rows.num_columns.to_bytes(2, "big", signed=True), _BYTES)
        fields = [_field(column.combine_chunks(), oid) for column, oid in zip(rows.columns, oids)]
        tuples = pc.binary_join_element_wise(count, *fields, _EMPTY)
        offsets = memoryview(tuples.buffers()[1]).cast("q")  # large binary: 64-bit offsets
        start, end = offsets[tuples.offset], offsets[tuples.offset + len(tuples)]
        out.write(memoryview(tuples.buffers()[2])[start:end])
    out.write(TRAILER)
    out.seek(0)
    return out
