#!/usr/bin/env python3
"""Random-query differential test of Starling against DuckDB for analytics SQL: window
functions (ranking, distribution, lag/lead, value functions, aggregates over ROWS, RANGE and
GROUPS frames, with DISTINCT inside the aggregates), named windows, QUALIFY (also naming a select
alias) and windows over grouped rows, approx_count_distinct over whole tables (from the
segments' sketches, exact here, so checked against count(DISTINCT)), quantile aggregates
(median, quantile_cont/disc, percentile_cont/disc WITHIN GROUP), GROUPING SETS, ROLLUP and CUBE
with grouping(), DISTINCT ON and GROUP BY ALL, variances, covariances and correlation,
bool_and/or, arg_min/max, first/last and string_agg with ORDER BY, and scalar functions (greatest,
IS DISTINCT FROM, TRY_CAST, math, text, LIKE ESCAPE, regular expressions, date arithmetic and
formatting, and INTERVALs: timestamp differences, interval arithmetic, comparisons, extract and
epoch, interval buckets, aggregates, windows and RANGE frames over timestamps), over a small star
schema with non-ASCII text.

Usage:
  tools/random-analytics-vs-duckdb.py --count 2000 --seed 1 [--binary PATH] [--jobs N] [--verbose]
  tools/random-analytics-vs-duckdb.py --seed 1 --only 17          # rerun one query by number
  tools/random-analytics-vs-duckdb.py --seed 1 --query "SELECT …"  # a query of your own

What it does:
  1. From --seed, makes a star schema: `sales` (40-120 rows: a unique id, a day, a store and a
     product reference, qty INTEGER, amount DECIMAL(10,2), ms DOUBLE in steps of 0.25 so sums are
     exact in any order, channel VARCHAR, and two timestamps `ts` and `ts2` whose differences
     repeat, cross midnights and month ends, and are negative now and then), `stores` (district,
     region) and `products` (category, name), all with NULLs and ties, in a fresh Starling
     warehouse and in DuckDB.
  2. Generates --count SELECTs over sales joined to zero, one or both dimensions. Each has one to
     three window functions with a random PARTITION BY (0-2 columns), ORDER BY (0-2 keys, ASC or
     DESC, NULLS FIRST or LAST) and frame. Answers must not depend on how ties are broken, so a
     function whose value does (row_number, ntile, lag/lead, first/last/nth_value, and any ROWS
     frame) gets the unique `s.id` as its last ORDER BY key. Some queries group first and rank
     the groups, filter with QUALIFY, name their windows in a WINDOW clause, or filter a
     window's result in an enclosing query. Others compute quantiles per group, with FILTER;
     group by ROLLUP, CUBE, GROUPING SETS or a key and a ROLLUP, with grouping() in the select
     list, HAVING or a window's PARTITION BY; or keep the first row per key with DISTINCT ON
     (ordered down to `s.id`) or group with GROUP BY ALL.
  3. Runs each query in DuckDB (skipping those it rejects), then in Starling (`starling sql
     --format json`, --jobs at a time), and compares the answers as sorted multisets (numbers
     within a relative 1e-9).
  4. Prints a summary; exit status 1 on any mismatch or Starling error.

Needs `pip install duckdb` and a release build (default .build/release/starling, or $STARLING).
"""
import argparse, datetime, decimal, importlib.util, os, random, shutil, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_spec = importlib.util.spec_from_file_location("random_queries", os.path.join(ROOT, "tools", "random-queries-vs-duckdb.py"))
harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(harness)

DISTRICTS = ["Centre", "North", "Harbour", "Hills", "", "Zürich Straße", "İzmir_2"]
REGIONS = ["east", "west", "East"]
CATEGORIES = ["food", "tools", "toys", "books"]
CHANNELS = ["web", "shop", "phone", "app"]


def make_data(seed):
    rng = random.Random(f"analytics-{seed}")

    def maybe(value, p=0.12):
        return None if rng.random() < p else value

    stores = [[i, maybe(rng.choice(DISTRICTS)), maybe(rng.choice(REGIONS))] for i in range(1, 7)]
    products = [[i, maybe(rng.choice(CATEGORIES)), maybe(f"item {rng.randint(1, 9)}")] for i in range(1, 9)]
    sales = []
    # The timestamps come from a stream of their own, so the other columns stay as they were.
    times = random.Random(f"analytics-times-{seed}")
    for i in range(1, rng.randint(40, 120) + 1):
        day = f"2025-{rng.randint(1, 4):02d}-{rng.randint(1, 28):02d}"
        sales.append([
            i, maybe(f"DATE '{day}'"), maybe(rng.randint(1, 7)), maybe(rng.randint(1, 9)), maybe(rng.randint(-2, 12)),
            maybe(decimal.Decimal(f"{rng.randint(-200, 5000) / 100:.2f}")), maybe(rng.randint(0, 4000) / 4),
            maybe(rng.choice(CHANNELS)),
        ] + timestamps(times))
    return stores, products, sales


def timestamps(rng):
    """`ts` and `ts2` literals (or NULLs): ts somewhere in 2025's first months, to the second or
    the half second, ts2 a difference after it that often repeats (whole days, 30 days, an
    hour) or is negative."""
    start = datetime.datetime(2025, rng.randint(1, 4), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59),
                              rng.randint(0, 59), rng.choice([0, 0, 0, 500000]))
    seconds = rng.choice([0, 3600, 86400, 86400 * 30, 86400 * 31, 86400 * 2 + 1800, -3600, -86400 * 3,
                          rng.randint(-86400 * 5, 86400 * 70), rng.randint(0, 86400 * 2)])
    end = start + datetime.timedelta(seconds=seconds, microseconds=rng.choice([0, 0, 0, 250000]))

    def literal(value):
        text = value.strftime("%Y-%m-%d %H:%M:%S") + (f".{value.microsecond:06d}" if value.microsecond else "")
        return None if rng.random() < 0.1 else f"TIMESTAMP '{text}'"
    return [literal(start), literal(end)]


def literal(value):
    if isinstance(value, str) and (value.startswith("DATE '") or value.startswith("TIMESTAMP '")):
        return value
    return harness.sql_literal(value)


def schema_sql(data):
    stores, products, sales = data
    statements = [
        "CREATE TABLE stores (store_id INTEGER, district VARCHAR, region VARCHAR)",
        "CREATE TABLE products (product_id INTEGER, category VARCHAR, name VARCHAR)",
        "CREATE TABLE sales (id INTEGER, day DATE, store_id INTEGER, product_id INTEGER, qty INTEGER, "
        "amount DECIMAL(10,2), ms DOUBLE, channel VARCHAR, ts TIMESTAMP, ts2 TIMESTAMP)",
    ]
    for table, rows in (("stores", stores), ("products", products), ("sales", sales)):
        half = len(rows) // 2 if table == "sales" else len(rows)
        for part in (rows[:half], rows[half:]):
            if part:
                statements.append(f"INSERT INTO {table} VALUES " + ", ".join(
                    "(" + ", ".join(literal(v) for v in row) + ")" for row in part))
    return statements


# Columns by kind, per table alias.
COLUMNS = {
    "s": {"int": ["s.qty", "s.store_id", "s.product_id"], "dec": ["s.amount"], "dbl": ["s.ms"],
          "date": ["s.day"], "str": ["s.channel"], "ts": ["s.ts", "s.ts2"]},
    "st": {"str": ["st.district", "st.region"]},
    "p": {"str": ["p.category", "p.name"]},
}
ORDER_SENSITIVE = {"row_number", "ntile", "lag", "lead", "first_value", "last_value", "nth_value"}


class Generator:
    def __init__(self, rng):
        self.rng = rng

    def chance(self, p):
        return self.rng.random() < p

    def columns(self, aliases, kinds):
        return [c for a in aliases for k in kinds for c in COLUMNS[a].get(k, [])]

    def pick(self, aliases, kinds):
        return self.rng.choice(self.columns(aliases, kinds))

    def order_keys(self, aliases, count):
        keys = []
        for _ in range(count):
            item = self.pick(aliases, ["int", "dec", "dbl", "date", "str"])
            if self.chance(0.4):
                item += " DESC"
            if self.chance(0.3):
                item += self.rng.choice([" NULLS FIRST", " NULLS LAST"])
            keys.append(item)
        return keys

    def frame(self, order_keys, numeric_key):
        r = self.rng.random()
        if r < 0.35:
            return None, False
        if r < 0.65:
            bounds = [("UNBOUNDED PRECEDING", "CURRENT ROW"), (f"{self.rng.randint(0, 3)} PRECEDING", "CURRENT ROW"),
                      (f"{self.rng.randint(0, 3)} PRECEDING", f"{self.rng.randint(0, 3)} FOLLOWING"),
                      ("CURRENT ROW", "UNBOUNDED FOLLOWING"), ("UNBOUNDED PRECEDING", "UNBOUNDED FOLLOWING"),
                      (f"{self.rng.randint(1, 3)} FOLLOWING", f"{self.rng.randint(3, 5)} FOLLOWING"),
                      (f"{self.rng.randint(2, 4)} PRECEDING", f"{self.rng.randint(0, 1)} PRECEDING")]
            start, end = self.rng.choice(bounds)
            return f"ROWS BETWEEN {start} AND {end}", True
        if r < 0.85 and numeric_key:
            key, kind = numeric_key
            if kind == "date":
                offsets = [f"INTERVAL {self.rng.randint(0, 20)} DAY", f"INTERVAL '{self.rng.randint(1, 2)}' MONTH"]
            elif kind == "dbl":
                offsets = [str(self.rng.choice([0, 0.5, 10, 250.25]))]
            else:
                offsets = [str(self.rng.randint(0, 5))]
            start = self.rng.choice(["UNBOUNDED PRECEDING", "CURRENT ROW"] + [f"{o} PRECEDING" for o in offsets])
            end = self.rng.choice(["CURRENT ROW", "UNBOUNDED FOLLOWING"] + [f"{o} FOLLOWING" for o in offsets])
            if start == "CURRENT ROW" and end == "CURRENT ROW" and self.chance(0.5):
                end = "UNBOUNDED FOLLOWING"
            return f"RANGE BETWEEN {start} AND {end}", False
        n = self.rng.randint(0, 2)
        return self.rng.choice([f"GROUPS BETWEEN {n} PRECEDING AND CURRENT ROW",
                                f"GROUPS BETWEEN CURRENT ROW AND {n} FOLLOWING",
                                f"GROUPS {n} PRECEDING"]), False

    def function(self, aliases):
        """(call text, whether its answer depends on tie order)."""
        numeric = self.pick(aliases, ["int", "dec", "dbl"])
        anything = self.pick(aliases, ["int", "dec", "dbl", "date", "str"])
        choice = self.rng.choice([
            "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
            "first_value", "last_value", "nth_value", "sum", "count", "count_star", "avg", "min", "max", "sum", "avg"])
        if choice in ("row_number", "rank", "dense_rank", "percent_rank", "cume_dist"):
            return f"{choice}()", choice == "row_number"
        if choice == "ntile":
            return f"ntile({self.rng.randint(1, 5)})", True
        if choice in ("lag", "lead"):
            args = [anything]
            if self.chance(0.6):
                args.append(str(self.rng.randint(0, 3)))
                if self.chance(0.4) and anything.startswith("s.") and anything in COLUMNS["s"]["int"]:
                    args.append(str(self.rng.randint(-1, 9)))
            return f"{choice}({', '.join(args)})", True
        if choice in ("first_value", "last_value"):
            return f"{choice}({anything})", True
        if choice == "nth_value":
            return f"nth_value({anything}, {self.rng.randint(1, 3)})", True
        if self.chance(0.2):
            # Aggregates with a state of their own over the frame.
            other = self.pick(aliases, ["int", "dec", "dbl"])
            text = self.pick(aliases, ["str"])
            call = self.rng.choice([
                f"var_samp({numeric})", f"stddev_pop({numeric})", f"corr({numeric}, {other})",
                f"covar_samp({numeric}, {other})", f"bool_and({numeric} > 3)", f"bool_or({numeric} > 5)",
                f"arg_max({anything}, s.id)", f"arg_min({anything}, s.id)", f"median({numeric})",
                f"quantile_disc({numeric}, 0.25)", f"string_agg({text}, ',' ORDER BY s.id)",
                f"first({anything} ORDER BY s.id DESC)"])
            if self.chance(0.15):
                call += f" FILTER (WHERE {self.pick(aliases, ['int'])} > {self.rng.randint(0, 6)})"
            return call, False
        # DISTINCT inside the window aggregate now and then.
        distinct = "DISTINCT " if self.chance(0.15) else ""
        if choice == "count_star":
            call = "count(*)"
        elif choice in ("min", "max"):
            call = f"{choice}({distinct}{anything})"
        elif choice == "count":
            call = f"count({distinct}{anything})"
        else:
            call = f"{choice}({distinct}{numeric})"
        if self.chance(0.15):
            call += f" FILTER (WHERE {self.pick(aliases, ['int'])} > {self.rng.randint(0, 6)})"
        return call, False

    def window(self, aliases):
        call, sensitive = self.function(aliases)
        partition = [self.pick(aliases, ["int", "str", "date"]) for _ in range(self.rng.choice([0, 0, 1, 1, 2]))]
        order = self.order_keys(aliases, self.rng.choice([0, 1, 1, 1, 2]))
        numeric_key = None
        if len(order) == 1:
            key = order[0].split(" ")[0]
            kind = next((k for a in aliases for k, cs in COLUMNS[a].items() if key in cs), None)
            if kind in ("int", "dec", "dbl", "date"):
                numeric_key = (key, kind)
        frame, rows = (None, False)
        if call.split("(")[0] in ("first_value", "last_value", "nth_value", "sum", "count", "avg", "min", "max",
                                  "var_samp", "stddev_pop", "corr", "covar_samp", "bool_and", "bool_or", "arg_max",
                                  "arg_min", "median", "quantile_disc", "string_agg", "first"):
            frame, rows = self.frame(order, numeric_key)
        if sensitive or rows or (frame and frame.startswith("GROUPS") and not order):
            order.append("s.id" + (" DESC" if self.chance(0.3) else ""))
        parts = []
        if partition:
            parts.append("PARTITION BY " + ", ".join(partition))
        if order:
            parts.append("ORDER BY " + ", ".join(order))
        if frame:
            parts.append(frame)
        return call, " ".join(parts)

    def from_clause(self):
        aliases = ["s"]
        text = "sales s"
        if self.chance(0.5):
            aliases.append("st")
            text += " " + self.rng.choice(["JOIN", "LEFT JOIN"]) + " stores st ON s.store_id = st.store_id"
        if self.chance(0.4):
            aliases.append("p")
            text += " " + self.rng.choice(["JOIN", "LEFT JOIN"]) + " products p ON s.product_id = p.product_id"
        return aliases, text

    def where(self, aliases):
        if not self.chance(0.4):
            return ""
        column = self.pick(aliases, ["int"])
        return f" WHERE {column} {self.rng.choice(['>', '<', '<>', '>='])} {self.rng.randint(0, 8)}"

    def plain(self):
        aliases, source = self.from_clause()
        windows = [self.window(aliases) for _ in range(self.rng.randint(1, 3))]
        items = ["s.id"] + [self.pick(aliases, ["int", "str", "dec"]) for _ in range(self.rng.randint(0, 2))]
        named = ""
        if self.chance(0.15):
            call, spec = windows[0]
            named = f" WINDOW w AS ({spec})"
            windows[0] = (call, None)
        calls = [f"{call} OVER w" if spec is None else f"{call} OVER ({spec})" for call, spec in windows]
        # QUALIFY naming the first window's alias, when its answer does not hang on ties.
        alias_qualify = ""
        if self.chance(0.15) and not windows[0][0].startswith(
                ("first_value", "last_value", "nth_value", "lag", "lead", "min", "max", "bool_", "arg_",
                 "string_agg", "first(", "row_number", "ntile")):
            calls[0] += " AS w1"
            alias_qualify = f" QUALIFY w1 {self.rng.choice(['<=', '>', '=', '<>'])} {self.rng.randint(1, 4)}"
        sql = f"SELECT {', '.join(items + calls)} FROM {source}{self.where(aliases)}{named}{alias_qualify}"
        if not alias_qualify and self.chance(0.2):
            call, spec = self.window(aliases)
            if not call.startswith(("first_value", "last_value", "nth_value", "lag", "lead", "min", "max", "bool_",
                                    "arg_", "string_agg", "first(")):
                sql += f" QUALIFY {call} OVER ({spec}) {self.rng.choice(['<=', '>', '='])} {self.rng.randint(1, 4)}"
        if self.chance(0.15):
            sql = f"SELECT * FROM ({sql}) q WHERE q.id % {self.rng.randint(2, 4)} = 0"
        return sql

    def grouped(self):
        aliases, source = self.from_clause()
        key = self.pick(aliases, ["str", "int", "date"])
        measure = self.rng.choice([f"sum({self.pick(aliases, ['int', 'dec'])})", "count(*)", f"max({self.pick(aliases, ['dbl'])})"])
        function = self.rng.choice(["rank()", "dense_rank()", "percent_rank()", "cume_dist()", f"sum({measure})",
                                    f"lag({measure})", f"avg({measure})", f"max({measure})"])
        direction = self.rng.choice(["", " DESC"])
        order = f"ORDER BY {measure}{direction}"
        if function.startswith("lag"):
            order += f", {key} NULLS FIRST"
        over = f"OVER ({order})" if self.chance(0.8) else "OVER ()"
        if function.startswith("lag") and over == "OVER ()":
            over = f"OVER ({order})"
        sql = f"SELECT {key}, {measure}, {function} {over} FROM {source}{self.where(aliases)} GROUP BY {key}"
        if self.chance(0.25):
            sql += f" QUALIFY rank() OVER (ORDER BY {measure} DESC) <= {self.rng.randint(1, 3)}"
        return sql

    def quantiles(self):
        aliases, source = self.from_clause()
        keys = [self.pick(aliases, ["str", "int", "date"]) for _ in range(self.rng.randint(0, 2))]
        calls = []
        for _ in range(self.rng.randint(1, 4)):
            column = self.pick(aliases, ["int", "dec", "dbl", "date"] + (["str"] if self.chance(0.2) else []))
            fraction = self.rng.choice(["0", "0.1", "0.25", "0.5", "0.9", "0.95", "1"])
            direction = self.rng.choice(["", " DESC"])
            call = self.rng.choice([
                f"median({column})", f"quantile_cont({column}, {fraction})", f"quantile_disc({column}, {fraction})",
                f"percentile_cont({fraction}) WITHIN GROUP (ORDER BY {column}{direction})",
                f"percentile_disc({fraction}) WITHIN GROUP (ORDER BY {column}{direction})"])
            calls.append(self.filtered(call, aliases, 0.15))
        return self.aggregated(keys, calls, source, aliases, rollup=False)

    def grouping_sets(self):
        aliases, source = self.from_clause()
        count = self.rng.randint(1, 3)
        keys = []
        while len(keys) < count:
            key = self.pick(aliases, ["str", "int", "date"])
            if self.chance(0.15):
                key = self.rng.choice([f"year({self.pick(aliases, ['date'])})", f"upper({self.pick(aliases, ['str'])})"])
            if key not in keys:
                keys.append(key)
        form = self.rng.random()
        if form < 0.3:
            group = f"ROLLUP ({', '.join(keys)})"
        elif form < 0.5:
            group = f"CUBE ({', '.join(keys)})"
        elif form < 0.8:
            sets = [[k for k in keys if self.chance(0.5)] for _ in range(self.rng.randint(1, 4))]
            sets.append(keys[:1] if self.chance(0.5) else keys)
            # A key no set names may appear nowhere else.
            keys = [k for k in keys if any(k in chosen for chosen in sets)]
            group = f"GROUPING SETS ({', '.join('(' + ', '.join(chosen) + ')' for chosen in sets)})"
        else:
            group = f"{keys[0]}, ROLLUP ({', '.join(keys[1:] or keys[:1])})"
        numeric = self.pick(aliases, ["int", "dec", "dbl"])
        anything = self.pick(aliases, ["int", "dec", "dbl", "date", "str"])
        calls = []
        for _ in range(self.rng.randint(1, 3)):
            call = self.rng.choice([f"sum({numeric})", "count(*)", f"count(DISTINCT {anything})", f"avg({numeric})",
                                    f"min({anything})", f"max({anything})", f"median({numeric})", f"count({anything})"])
            if self.chance(0.15):
                call += f" FILTER (WHERE {self.pick(aliases, ['int'])} > {self.rng.randint(0, 6)})"
            calls.append(call)
        flags = []
        if self.chance(0.6):
            chosen = [k for k in keys if self.chance(0.6)] or keys[:1]
            flags.append(f"grouping({', '.join(chosen)})")
        sql = f"SELECT {', '.join(keys + calls + flags)} FROM {source}{self.where(aliases)} GROUP BY {group}"
        r = self.rng.random()
        if r < 0.2:
            sql += f" HAVING count(*) > {self.rng.randint(0, 3)}"
        elif r < 0.3:
            sql += f" HAVING grouping({keys[0]}) = {self.rng.randint(0, 1)}"
        elif r < 0.4:
            sql += f" HAVING {keys[0]} IS NOT NULL"
        if self.chance(0.15):
            sql = (f"SELECT {', '.join(keys)}, rank() OVER (PARTITION BY grouping({', '.join(keys)}) "
                   f"ORDER BY count(*) DESC) FROM {source} GROUP BY {group}")
        return sql

    def distinct_on(self):
        aliases, source = self.from_clause()
        keys = [self.pick(aliases, ["str", "int", "date"]) for _ in range(self.rng.randint(1, 2))]
        order = keys + self.order_keys(aliases, self.rng.randint(0, 2)) + ["s.id" + (" DESC" if self.chance(0.5) else "")]
        items = keys + ["s.id"] + [self.pick(aliases, ["int", "dec", "str"])]
        if self.chance(0.3):
            return (f"SELECT {', '.join(items[:len(keys)])}, count(*) FROM {source}{self.where(aliases)} GROUP BY ALL"
                    + (" ORDER BY ALL" if self.chance(0.5) else ""))
        return f"SELECT DISTINCT ON ({', '.join(keys)}) {', '.join(items)} FROM {source}{self.where(aliases)} ORDER BY {', '.join(order)}"

    def more_aggregates(self):
        aliases, source = self.from_clause()
        keys = [self.pick(aliases, ["str", "int", "date"]) for _ in range(self.rng.randint(0, 2))]
        calls = []
        for _ in range(self.rng.randint(1, 4)):
            numeric = self.pick(aliases, ["int", "dec", "dbl"])
            other = self.pick(aliases, ["int", "dec", "dbl"])
            anything = self.pick(aliases, ["int", "dec", "dbl", "date", "str"])
            text = self.pick(aliases, ["str"])
            direction = self.rng.choice(["", " DESC"])
            # Answers must not depend on how ties are broken: s.id (unique) orders last.
            call = self.rng.choice([
                f"var_samp({numeric})", f"var_pop({numeric})", f"stddev_samp({numeric})", f"stddev_pop({numeric})",
                f"covar_pop({numeric}, {other})", f"covar_samp({numeric}, {other})", f"corr({numeric}, {other})",
                f"bool_and({numeric} > 2)", f"bool_or({numeric} > 4)",
                f"arg_min({anything}, s.id)", f"arg_max({anything}, s.id)", f"max_by({anything}, s.id)",
                f"first({anything} ORDER BY {other}{direction}, s.id)", f"last({anything} ORDER BY {other}{direction}, s.id)",
                f"string_agg({text}, ',' ORDER BY {text}{direction}, s.id)",
                f"string_agg({anything}, '|' ORDER BY s.id{direction})",
                f"string_agg(DISTINCT {text}, ';' ORDER BY {text}{direction})"])
            calls.append(self.filtered(call, aliases, 0.2))
        return self.aggregated(keys, calls, source, aliases, rollup=True)

    def filtered(self, call, aliases, p):
        """call, given a FILTER (WHERE …) with probability p."""
        if self.chance(p):
            call += f" FILTER (WHERE {self.pick(aliases, ['int'])} > {self.rng.randint(0, 6)})"
        return call

    def aggregated(self, keys, calls, source, aliases, rollup):
        """SELECT keys, calls, count(*) grouped by the keys (sometimes as a ROLLUP)."""
        group = f" GROUP BY {', '.join(keys)}" if keys else ""
        if rollup and keys and self.chance(0.25):
            group = f" GROUP BY ROLLUP ({', '.join(keys)})"
        return f"SELECT {', '.join(keys + calls + ['count(*)'])} FROM {source}{self.where(aliases)}{group}"

    def scalar(self, aliases):
        """A scalar function expression over random columns (the functions of the SQL issue)."""
        n1 = self.pick(aliases, ["int", "dec", "dbl"])
        n2 = self.pick(aliases, ["int", "dec", "dbl"])
        i = self.pick(aliases, ["int"])
        dbl = self.pick(aliases, ["dbl"])
        t = self.pick(aliases, ["str"])
        d = "s.day"
        kind = self.rng.choice(["number", "number", "text", "text", "text", "date", "date", "compare"])
        if kind == "number":
            return self.rng.choice([
                f"greatest({n1}, {n2})", f"least({n1}, {n2}, {i})", f"power({dbl}, 2)", f"sqrt(abs({n1}))",
                f"round(ln(abs({n1}) + 1), 9)", f"round(log(abs({n1}) + 1), 9)", f"round(log2(abs({n1}) + 1), 9)",
                f"round(exp({i} % 5), 6)", f"sign({n1})", f"mod({i}, 3)", f"{i} % 4", f"TRY_CAST({t} AS INTEGER)",
                f"TRY_CAST({n1} AS VARCHAR)", f"greatest({t}, 'M')", f"least({d}, DATE '2025-02-15')"])
        if kind == "compare":
            a, b = self.rng.choice([(n1, n2), (t, self.pick(aliases, ["str"])), (i, "3"), (d, "DATE '2025-02-01'")])
            return self.rng.choice([f"{a} IS DISTINCT FROM {b}", f"{a} IS NOT DISTINCT FROM {b}"])
        if kind == "text":
            return self.rng.choice([
                f"split_part({t}, 'r', 2)", f"lpad({t}, 7, '*')", f"rpad({t}, 3, 'ab')", f"strpos({t}, 'e')",
                f"reverse({t})", f"repeat({t}, 2)", f"upper({t})", f"lower({t})", f"{t} LIKE '%e%'",
                f"{t} LIKE 'H_%'", f"{t} LIKE '%!_%' ESCAPE '!'", f"{t} ILIKE '%Z%'", f"{t} NOT LIKE '%\\_%'",
                f"regexp_matches({t}, '^[A-Z]')", f"regexp_replace({t}, '[aeiou]', '-', 'g')",
                f"regexp_replace({t}, '(.)(.)', '\\2\\1')", f"regexp_extract({t}, '([a-z]+)', 1)",
                f"{t} ~ 'r.'", f"position('r' IN {t})", f"ends_with({t}, 'e')", f"length(upper({t}))"])
        return self.rng.choice([
            f"date_diff('day', DATE '2025-01-01', {d})", f"date_diff('month', {d}, DATE '2025-06-30')",
            f"date_diff('week', {d}, TIMESTAMP '2025-03-01 12:00:00')", f"date_add({d}, INTERVAL 3 DAY)",
            f"{d} + INTERVAL 5 HOUR", f"{d} - INTERVAL 90 MINUTE", f"last_day({d})", f"dayname({d})",
            f"monthname({d})", f"strftime({d}, '%Y/%m/%d %a %j')", f"make_date(2025, abs({i}) % 12 + 1, 1)",
            f"date_trunc('month', {d})", f"date_trunc('week', {d} + INTERVAL 36 HOUR)", f"year({d}) * 100 + month({d})"])

    def scalars(self):
        aliases, source = self.from_clause()
        items = ["s.id"] + [self.scalar(aliases) for _ in range(self.rng.randint(1, 4))]
        where = ""
        if self.chance(0.4):
            condition = self.scalar(aliases)
            where = f" WHERE ({condition}) IS NOT NULL" if self.chance(0.5) else f" WHERE {self.pick(aliases, ['str'])} LIKE '%r%'"
        if self.chance(0.2):
            key = self.scalar(aliases)
            return f"SELECT {key} AS k, count(*) FROM {source}{where} GROUP BY 1"
        return f"SELECT {', '.join(items)} FROM {source}{where}"

    def interval(self, aliases):
        """An INTERVAL expression over the timestamps (and a number or a date now and then)."""
        a, b = self.rng.sample(COLUMNS["s"]["ts"], 2)
        i = self.pick(aliases, ["int"])
        return self.rng.choice([
            f"{b} - {a}", f"{a} - {b}", f"{b} - {a}", f"age({b}, {a})", f"{b} - s.day", f"({b} - {a}) * {i}",
            f"({b} - {a}) / 2", f"({b} - {a}) * 1.5", f"-({b} - {a})", f"INTERVAL '1 day 02:00:00' * {i}",
            f"to_hours({i}) + ({b} - {a})", f"to_minutes({i})", f"to_seconds(s.ms)", f"({b} - {a}) * s.ms",
            f"({b} - {a}) - INTERVAL '1 month'", f"({b} - {a}) / (abs({i}) + 1)"])

    def interval_condition(self, difference):
        return self.rng.choice([
            f"{difference} > INTERVAL '7 days'", f"{difference} <= INTERVAL 1 HOUR",
            f"{difference} = INTERVAL 30 DAY", f"{difference} = INTERVAL '1 month'",
            f"{difference} BETWEEN INTERVAL '-1 day' AND INTERVAL '2 days 12:00:00'",
            f"{difference} IS DISTINCT FROM INTERVAL '720 hours'", f"{difference} < '3 days'",
            f"{difference} IN (INTERVAL 1 DAY, INTERVAL 30 DAY, INTERVAL '1 hour')"])

    def intervals(self):
        """Queries on timestamp differences and other intervals: scalar expressions and
        comparisons, extract and epoch, groups by an interval or an interval bucket, aggregates,
        ordering with a limit, window functions and RANGE frames over a timestamp. Equal intervals
        written differently (`age` gives `1 month` where a difference gives `30 days`) show
        whichever the engine met first, which a join's row order decides: only differences, whose
        equal values are written alike, are grouped, min'd or max'd."""
        aliases, source = self.from_clause()
        a, b = self.rng.sample(COLUMNS["s"]["ts"], 2)
        difference = f"({b} - {a})"
        kind = self.rng.choice(["scalar", "scalar", "filter", "group", "group", "aggregate", "order", "window",
                                "range"])
        where = f" WHERE {self.interval_condition(difference)}" if self.chance(0.35) else ""
        if kind == "scalar":
            items = [self.interval(aliases) for _ in range(self.rng.randint(1, 3))]
            items += [self.rng.choice([
                f"extract(epoch FROM {difference})", f"epoch({self.interval(aliases)})",
                f"extract(day FROM {difference})", f"extract(hour FROM {difference})",
                f"extract(minute FROM {difference})", f"date_part('second', {difference})",
                f"extract(month FROM age({b}, {a}))", f"{a} + {difference}", f"{a} + INTERVAL '1 month 12 hours'",
                f"s.day + to_days(s.qty)", f"s.day - INTERVAL '1 month'", f"greatest({difference}, INTERVAL 1 DAY)",
                f"CAST({difference} AS VARCHAR)", f"{self.interval_condition(difference)}",
                f"coalesce({difference}, INTERVAL 0 DAY)", f"CAST(CAST({difference} AS VARCHAR) AS INTERVAL)"])
                for _ in range(self.rng.randint(0, 2))]
            return f"SELECT s.id, {', '.join(items)} FROM {source}{where}"
        if kind == "filter":
            return f"SELECT s.id, {difference} FROM {source} WHERE {self.interval_condition(self.interval(aliases))}"
        if kind == "group":
            key = self.rng.choice([
                difference, f"to_days(CAST(floor(epoch({difference}) / 86400) AS BIGINT))",
                f"to_hours(CAST(floor(epoch({difference}) / 3600) AS BIGINT))", f"extract(day FROM {difference})",
                f"{difference} > INTERVAL '1 day'"])
            extra = self.pick(aliases, ["str", "int"]) if self.chance(0.4) else None
            keys = [key] + ([extra] if extra else [])
            calls = self.rng.sample([
                "count(*)", f"min({difference})", f"max({difference})", f"avg({difference})",
                f"count(DISTINCT {difference})", f"sum({self.pick(aliases, ['int'])})", f"median({difference})",
                f"avg(epoch({difference}))"], self.rng.randint(1, 3))
            group = f"GROUP BY {', '.join(keys)}"
            if self.chance(0.2):
                group = f"GROUP BY ROLLUP ({', '.join(keys)})"
            having = f" HAVING count(*) > {self.rng.randint(0, 2)}" if self.chance(0.2) else ""
            return f"SELECT {', '.join(keys + calls)} FROM {source}{where} {group}{having}"
        if kind == "aggregate":
            calls = self.rng.sample([
                f"min({difference})", f"max({difference})", f"avg({difference})", f"count({difference})",
                f"count(DISTINCT {difference})", f"median({difference})", f"quantile_disc({difference}, 0.25)",
                f"avg({self.interval(aliases)})", f"count(DISTINCT age({b}, {a}))",
                f"avg({difference}) FILTER (WHERE {self.pick(aliases, ['int'])} > {self.rng.randint(0, 6)})"],
                self.rng.randint(1, 4))
            return f"SELECT {', '.join(calls)} FROM {source}{where}"
        if kind == "order":
            direction = self.rng.choice(["", " DESC"])
            nulls = self.rng.choice(["", " NULLS FIRST", " NULLS LAST"])
            return (f"SELECT s.id, {difference} AS d FROM {source}{where} ORDER BY d{direction}{nulls}, s.id "
                    f"LIMIT {self.rng.randint(1, 10)}")
        if kind == "window":
            call = self.rng.choice([
                f"lag({difference}) OVER (ORDER BY s.id)", f"min({difference}) OVER (PARTITION BY s.store_id)",
                f"avg({difference}) OVER (PARTITION BY s.product_id ORDER BY s.id)",
                f"rank() OVER (ORDER BY {difference})", f"max({difference}) OVER (ORDER BY s.id ROWS 2 PRECEDING)",
                f"count(*) OVER (PARTITION BY {difference})", f"first_value({difference}) OVER (ORDER BY s.id)"])
            return f"SELECT s.id, {call} FROM {source}{where}"
        offset = self.rng.choice(["INTERVAL '36 hours'", "INTERVAL 2 DAY", "INTERVAL '1 month'", "INTERVAL 0 DAY",
                                  "INTERVAL '1 day 12:00:00'"])
        start = self.rng.choice(["UNBOUNDED PRECEDING", "CURRENT ROW", f"{offset} PRECEDING"])
        end = self.rng.choice(["CURRENT ROW", "UNBOUNDED FOLLOWING", f"{offset} FOLLOWING"])
        call = self.rng.choice(["count(*)", f"sum({self.pick(aliases, ['int'])})", f"max({difference})",
                                f"avg({difference})"])
        order = a + self.rng.choice(["", " DESC"])
        return f"SELECT s.id, {call} OVER (ORDER BY {order} RANGE BETWEEN {start} AND {end}) FROM {source}{where}"

    def sketches(self):
        """approx_count_distinct over the whole table (from the segments' sketches), under WHERE or
        GROUP BY (from the rows): exact for these few values, so DuckDB's count(DISTINCT) is the
        answer (``ExactDistinctDuckDB``)."""
        kinds = ["int", "dec", "dbl", "date", "str", "ts"]
        calls = [f"approx_count_distinct({self.pick(['s'], [self.rng.choice(kinds)])})"
                 for _ in range(self.rng.randint(1, 3))]
        if self.chance(0.3):
            calls.append("count(*)")
        r = self.rng.random()
        if r < 0.6:
            return f"SELECT {', '.join(calls)} FROM sales s"
        if r < 0.8:
            return f"SELECT {', '.join(calls)} FROM sales s{self.where(['s']) or ' WHERE s.id > 3'}"
        key = self.pick(["s"], ["str", "int"])
        return f"SELECT {key}, {', '.join(calls)} FROM sales s GROUP BY {key}"

    def query(self):
        if self.rng.random() < 0.06:
            return self.sketches()
        r = self.rng.random()
        if r < 0.25:
            return self.intervals()
        r = self.rng.random()
        if r < 0.25:
            return self.scalars()
        r = self.rng.random()
        if r < 0.12:
            return self.grouped()
        if r < 0.24:
            return self.quantiles()
        if r < 0.42:
            return self.grouping_sets()
        if r < 0.5:
            return self.distinct_on()
        if r < 0.68:
            return self.more_aggregates()
        return self.plain()


class ExactDistinctDuckDB(harness.DuckDB):
    """DuckDB reading approx_count_distinct as count(DISTINCT): Starling's is exact up to 256
    distinct values, which every column of this data stays under."""

    def query(self, sql):
        return super().query(sql.replace("approx_count_distinct(", "count(DISTINCT "))


def generate(seed, number):
    return Generator(random.Random(f"{seed}-{number}")).query()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", type=int, action="append")
    parser.add_argument("--query")
    parser.add_argument("--binary", default=os.environ.get("STARLING", os.path.join(ROOT, ".build/release/starling")))
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--print-queries", action="store_true")
    arguments = parser.parse_args()
    if arguments.query:
        queries = [(0, arguments.query, [])]
    else:
        queries = [(n, generate(arguments.seed, n), []) for n in (arguments.only or range(arguments.count))]
    if arguments.print_queries:
        for number, sql, _ in queries:
            print(f"-- {number}\n{sql};")
        return 0
    scratch = tempfile.mkdtemp(prefix="starling-analytics-")
    try:
        statements = schema_sql(make_data(arguments.seed))
        starling = harness.Starling(arguments.binary, os.path.join(scratch, "warehouse"))
        starling.create(statements)
        duck = ExactDistinctDuckDB(statements)
        started = time.time()
        skipped, results = harness.run_queries(starling, duck, queries, arguments.jobs)
        equal, mismatches, errors, lines = 0, 0, {}, []
        for number, sql, _, theirs, ours in results:
            where = f"query {number} (seed {arguments.seed})"
            if ours[0] == "error":
                errors.setdefault(harness.error_class(ours[1]), []).append(number)
                lines.append(f"ERROR {where}: {ours[1]}\n{sql};\n")
            elif harness.answers_equal(ours[1], theirs):
                equal += 1
            else:
                mismatches += 1
                lines.append(f"MISMATCH {where}:\n{sql};\nstarling: {harness.show(ours[1])}\nduckdb:   {harness.show(theirs)}\n")
        if arguments.verbose or len(queries) <= 5:
            print("\n".join(lines))
        print(f"seed {arguments.seed}: {len(queries)} generated, {skipped} rejected by DuckDB (skipped), "
              f"{len(results)} run in {time.time() - started:.1f} s")
        print(f"  equal {equal}, mismatched {mismatches}, Starling errors {sum(len(v) for v in errors.values())}")
        for message, numbers in sorted(errors.items(), key=lambda kv: -len(kv[1])):
            print(f"  error {len(numbers):5d}  {message}  (e.g. query {numbers[0]})")
        return 1 if mismatches or errors else 0
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
