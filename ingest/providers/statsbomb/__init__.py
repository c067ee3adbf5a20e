"""StatsBomb open-data format: the vendor's codes (spec) and a pure parser of its match files."""
