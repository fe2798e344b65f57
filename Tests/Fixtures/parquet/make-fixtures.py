#!/usr/bin/env python3
"""Made once (pyarrow 22 and DuckDB 2.0.1, 2026-12-07) to write the Parquet fixtures beside it;
never run again: the files are fixed inputs of Tests/StarlingParquetTests. Kept to say how each
file was written.

Each file holds the same rows (some NULLs, extremes, dates before 1970, non-ASCII strings) in a
different writer, codec, page version or encoding. expected.json holds each column's values as
Starling stores them: integers (DECIMAL unscaled, DATE days, TIMESTAMP microseconds), doubles,
booleans, strings; null for NULL.
"""
import datetime, decimal, json, os
import duckdb, pyarrow as pa, pyarrow.parquet as pq

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 300
EPOCH = datetime.date(1970, 1, 1)


def column_values(name, row):
    if row % 7 == 3 and name not in ("id",):
        return None
    if name == "id":
        return row
    if name == "flag":
        return row % 3 == 0
    if name == "tiny":
        return [-128, 127, 5][row % 3]
    if name == "small":
        return (row * 37) % 65536 - 32768
    if name == "medium":
        return [-2147483648, 2147483647, row * 1000][row % 3]
    if name == "big":
        return [-9223372036854775808, 9223372036854775807, row * 10**12][row % 3]
    if name == "ratio":
        return [0.5, -1.25e300, row / 7][row % 3]
    if name == "single":
        return [0.5, -2.25, float(row)][row % 3]
    if name == "price":
        return decimal.Decimal(["-99999999999999.9999", "99999999999999.9999", f"{row}.0125"][row % 3])
    if name == "day":
        return [datetime.date(1, 1, 1), datetime.date(9999, 12, 31), datetime.date(1969, 12, 31) + datetime.timedelta(days=row)][row % 3]
    if name == "moment":
        return datetime.datetime(1960, 1, 1) + datetime.timedelta(microseconds=row * 123456789123)
    if name == "word":
        return ["north", "Zürich 日本", "", "a,b \"q\""][row % 4]
    if name == "text":
        return f"value {row * 7919} {'x' * (row % 13)}"
    raise KeyError(name)


NAMES = ["id", "flag", "tiny", "small", "medium", "big", "ratio", "single", "price", "day", "moment", "word", "text"]
TYPES = {
    "id": pa.int32(), "flag": pa.bool_(), "tiny": pa.int8(), "small": pa.int16(), "medium": pa.int32(),
    "big": pa.int64(), "ratio": pa.float64(), "single": pa.float32(), "price": pa.decimal128(18, 4),
    "day": pa.date32(), "moment": pa.timestamp("us"), "word": pa.string(), "text": pa.string(),
}


def table():
    columns = {name: [column_values(name, row) for row in range(ROWS)] for name in NAMES}
    nested = pa.StructArray.from_arrays(
        [pa.array([row * 2 for row in range(ROWS)], pa.int64()), pa.array([f"n{row}" for row in range(ROWS)])],
        names=["a", "b"])
    arrays = [pa.array(columns[name], TYPES[name]) for name in NAMES] + [nested]
    return pa.Table.from_arrays(arrays, names=NAMES + ["nest"])


def stored(name, value):
    if value is None:
        return None
    if name == "price":
        return int(value * 10000)
    if name == "day":
        return (value - EPOCH).days
    if name == "moment":
        delta = value - datetime.datetime(1970, 1, 1)
        return delta.days * 86400 * 10**6 + delta.seconds * 10**6 + delta.microseconds
    if name == "single":
        return float(pa.scalar(value, pa.float32()).as_py())
    return value


def main():
    data = table()
    expected = {name: [stored(name, column_values(name, row)) for row in range(ROWS)] for name in NAMES}
    expected["nest.a"] = [row * 2 for row in range(ROWS)]
    expected["nest.b"] = [f"n{row}" for row in range(ROWS)]
    with open(os.path.join(HERE, "expected.json"), "w") as out:
        json.dump(expected, out)
    for codec in ["snappy", "gzip", "zstd", "lz4", "none"]:
        pq.write_table(data, os.path.join(HERE, f"pyarrow-{codec}.parquet"), compression=codec, row_group_size=128,
                       data_page_size=1024)
    pq.write_table(data, os.path.join(HERE, "pyarrow-v2-pages.parquet"), data_page_version="2.0",
                   compression="zstd", row_group_size=100, store_decimal_as_integer=True)
    pq.write_table(data, os.path.join(HERE, "pyarrow-delta.parquet"), use_dictionary=False, compression="snappy",
                   column_encoding={"id": "DELTA_BINARY_PACKED", "small": "DELTA_BINARY_PACKED",
                                    "big": "DELTA_BINARY_PACKED", "medium": "DELTA_BINARY_PACKED",
                                    "word": "DELTA_LENGTH_BYTE_ARRAY", "text": "DELTA_BYTE_ARRAY",
                                    "ratio": "BYTE_STREAM_SPLIT", "single": "BYTE_STREAM_SPLIT",
                                    "flag": "RLE"}, data_page_version="2.0")
    pq.write_table(data, os.path.join(HERE, "pyarrow-int96.parquet"), use_deprecated_int96_timestamps=True)
    connection = duckdb.connect()
    connection.register("source", data)
    connection.execute(f"COPY (SELECT * FROM source) TO '{os.path.join(HERE, 'duckdb.parquet')}' (FORMAT parquet)")
    lists = pa.table({"id": [1, 2], "tags": [[1, 2], None]})
    pq.write_table(lists, os.path.join(HERE, "pyarrow-list.parquet"))


if __name__ == "__main__":
    main()
