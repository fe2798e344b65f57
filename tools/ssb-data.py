#!/usr/bin/env python3
"""Writes Star Schema Benchmark data (O'Neil, O'Neil, Chen: SSB specification, revision 3) as
dbgen-style `.tbl` files: `|`-delimited, no header, a trailing `|` on every line.

Usage: tools/ssb-data.py [--sf SF] [--out DIR] [--seed N] [--no-numpy]

Writes DIR/customer.tbl, supplier.tbl, part.tbl, date.tbl and lineorder.tbl (load date.tbl into
the table `dates`; see Benchmarks/ssb/schema.sql). Cardinalities per scale factor SF:

    customer   30,000 x SF                 supplier  2,000 x SF
    part       200,000 x (1 + floor(log2 SF)), 200,000 for SF <= 1
    date       every day 1992-01-01 .. 1998-12-31: 2,557 rows (the spec's "2,556" is 7 x 365 + 1;
               ssb-dbgen stops at 1998-12-30; no order or commit date falls on the last day)
    lineorder  1,500,000 x SF orders of 1..7 lines each, about 6,000,000 x SF rows

Value domains follow the spec (and ssb-dbgen's output), so the 13 SSB queries select what they
should: TPC-H's 5 regions and 25 nations; c_city / s_city = the nation's name cut or padded to 9
characters plus a digit 0-9 ('UNITED KI1', 'CHINA    3'); p_mfgr 'MFGR#1'..'MFGR#5', p_category
'MFGR#11'..'MFGR#55', p_brand1 = category + 2-digit brand 01..40 ('MFGR#2239'); d_yearmonth
'Dec1997', d_yearmonthnum 199712, d_weeknuminyear 1..53; lo_orderdate / lo_commitdate are
YYYYMMDD integers (keys of the date table); lo_quantity 1..50, lo_discount 0..10, lo_tax 0..8;
money is in whole cents as ssb-dbgen writes it: lo_extendedprice = quantity x the part's TPC-H
retail price, lo_revenue = extendedprice x (100 - discount) / 100 (truncated), lo_supplycost =
6/10 of the retail price, lo_ordtotalprice = the order's sum of extendedprice with tax and
discount.

The output is deterministic for a given --sf and --seed. lineorder is generated with numpy when
it is installed (SF 1 in about half a minute) and with plain Python otherwise (or with
--no-numpy); the two generators draw different (each deterministic) rows, and the script says
which it used.
"""
import argparse, datetime, math, os, random, sys, time

REGIONS = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]
# TPC-H nations, with their region index.
NATIONS = [("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4), ("ETHIOPIA", 0),
           ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2), ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2),
           ("JORDAN", 4), ("KENYA", 0), ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2),
           ("ROMANIA", 3), ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3),
           ("UNITED STATES", 1)]
SEGMENTS = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]
COLORS = ("almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished "
          "chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick "
          "floral forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender "
          "lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy olive "
          "orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy "
          "seashell sienna sky slate smoke snow spring steel tan thistle tomato turquoise violet wheat white "
          "yellow").split()
TYPE_1 = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"]
TYPE_2 = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"]
TYPE_3 = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"]
CONTAINER_1 = ["SM", "LG", "MED", "JUMBO", "WRAP"]
CONTAINER_2 = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"]
PRIORITIES = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"]
SHIP_MODES = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
HOLIDAYS = {(1, 1), (2, 14), (5, 30), (7, 4), (9, 1), (11, 11), (11, 25), (12, 24), (12, 25), (12, 31)}
ADDRESS_CHARS = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,. "
FIRST_DAY, LAST_DAY = datetime.date(1992, 1, 1), datetime.date(1998, 12, 31)
ORDER_DAYS = (LAST_DAY - FIRST_DAY).days + 1 - 151  # TPC-H: orders end 151 days before the last date,
COMMIT_MIN, COMMIT_MAX = 30, 90                     # so every commit date is still in the date table


def counts(sf):
    parts = 200_000 if sf <= 1 else 200_000 * (1 + int(math.floor(math.log2(sf))))
    return {"customer": max(1, int(30_000 * sf)), "supplier": max(1, int(2_000 * sf)), "part": parts,
            "orders": max(1, int(1_500_000 * sf))}


def city(rng, nation):
    return f"{nation[:9]:<9}{rng.randrange(10)}"


def phone(rng, nation_index):
    return f"{10 + nation_index}-{rng.randint(100, 999)}-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"


def address(rng):
    return "".join(rng.choices(ADDRESS_CHARS, k=rng.randint(10, 25))).strip() or "x"


def write_customer(path, n, seed):
    rng = random.Random(seed * 1000 + 1)
    with open(path, "w") as out:
        for key in range(1, n + 1):
            nation_index = rng.randrange(25)
            nation, region = NATIONS[nation_index]
            out.write(f"{key}|Customer#{key:09d}|{address(rng)}|{city(rng, nation)}|{nation}|{REGIONS[region]}|"
                      f"{phone(rng, nation_index)}|{rng.choice(SEGMENTS)}|\n")


def write_supplier(path, n, seed):
    rng = random.Random(seed * 1000 + 2)
    with open(path, "w") as out:
        for key in range(1, n + 1):
            nation_index = rng.randrange(25)
            nation, region = NATIONS[nation_index]
            out.write(f"{key}|Supplier#{key:09d}|{address(rng)}|{city(rng, nation)}|{nation}|{REGIONS[region]}|"
                      f"{phone(rng, nation_index)}|\n")


def write_part(path, n, seed):
    rng = random.Random(seed * 1000 + 3)
    lines = []
    with open(path, "w") as out:
        for key in range(1, n + 1):
            mfgr = rng.randint(1, 5)
            category = mfgr * 10 + rng.randint(1, 5)
            brand = rng.randint(1, 40)
            first, second = rng.sample(COLORS, 2)
            lines.append(f"{key}|{first} {second}|MFGR#{mfgr}|MFGR#{category}|MFGR#{category}{brand:02d}|"
                         f"{rng.choice(COLORS)}|{rng.choice(TYPE_1)} {rng.choice(TYPE_2)} {rng.choice(TYPE_3)}|"
                         f"{rng.randint(1, 50)}|{rng.choice(CONTAINER_1)} {rng.choice(CONTAINER_2)}|\n")
            if len(lines) == 10_000:
                out.write("".join(lines))
                lines.clear()
        out.write("".join(lines))


def date_keys():
    return [int((FIRST_DAY + datetime.timedelta(days=i)).strftime("%Y%m%d"))
            for i in range((LAST_DAY - FIRST_DAY).days + 1)]


def write_date(path):
    with open(path, "w") as out:
        for i in range((LAST_DAY - FIRST_DAY).days + 1):
            day = FIRST_DAY + datetime.timedelta(days=i)
            weekday = (day.weekday() + 1) % 7  # 0 = Sunday
            day_of_year = day.timetuple().tm_yday
            last_in_month = (day + datetime.timedelta(days=1)).month != day.month
            season = ("Christmas" if day.month == 12 else "Winter" if day.month <= 2 else "Spring" if day.month <= 5
                      else "Summer" if day.month <= 8 else "Fall")
            out.write(f"{day:%Y%m%d}|{MONTHS[day.month - 1]} {day.day}, {day.year}|{WEEKDAYS[weekday]}|"
                      f"{MONTHS[day.month - 1]}|{day.year}|{day.year * 100 + day.month}|"
                      f"{MONTHS[day.month - 1][:3]}{day.year}|{weekday + 1}|{day.day}|{day_of_year}|{day.month}|"
                      f"{(day_of_year - 1) // 7 + 1}|{season}|{int(weekday == 6)}|{int(last_in_month)}|"
                      f"{int((day.month, day.day) in HOLIDAYS)}|{int(1 <= weekday <= 5)}|\n")


def retail_price(partkey):  # TPC-H p_retailprice, in cents
    return 90_000 + (partkey // 10) % 20_001 + 100 * (partkey % 1_000)


LINE_FORMAT = "%d|%d|%d|%d|%d|%d|%s|0|%d|%d|%d|%d|%d|%d|%d|%d|%s|\n"
ORDERS_PER_CHUNK = 100_000


def lineorder_chunks_numpy(sizes, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    keys = np.array(date_keys(), dtype=np.int64)
    priorities, modes = np.array(PRIORITIES, dtype=object), np.array(SHIP_MODES, dtype=object)
    for first in range(0, sizes["orders"], ORDERS_PER_CHUNK):
        orders = min(ORDERS_PER_CHUNK, sizes["orders"] - first)
        index = np.arange(first, first + orders, dtype=np.int64)
        orderkey = (index // 8) * 32 + index % 8 + 1  # TPC-H's sparse order keys
        lines = rng.integers(1, 8, orders)
        custkey = rng.integers(1, sizes["customer"] + 1, orders)
        orderday = rng.integers(0, ORDER_DAYS, orders)
        priority = rng.integers(0, len(PRIORITIES), orders)
        rows = int(lines.sum())
        starts = np.cumsum(lines) - lines
        linenumber = np.arange(rows) - np.repeat(starts, lines) + 1
        partkey = rng.integers(1, sizes["part"] + 1, rows)
        suppkey = rng.integers(1, sizes["supplier"] + 1, rows)
        quantity = rng.integers(1, 51, rows)
        discount = rng.integers(0, 11, rows)
        tax = rng.integers(0, 9, rows)
        commitday = np.repeat(orderday, lines) + rng.integers(COMMIT_MIN, COMMIT_MAX + 1, rows)
        mode = rng.integers(0, len(SHIP_MODES), rows)
        price = retail_price(partkey)
        extended = quantity * price
        revenue = extended * (100 - discount) // 100
        supplycost = 6 * price // 10
        total = np.add.reduceat(extended * (100 + tax) // 100 * (100 - discount) // 100, starts)
        yield zip(np.repeat(orderkey, lines).tolist(), linenumber.tolist(), np.repeat(custkey, lines).tolist(),
                  partkey.tolist(), suppkey.tolist(), keys[np.repeat(orderday, lines)].tolist(),
                  priorities[np.repeat(priority, lines)].tolist(), quantity.tolist(), extended.tolist(),
                  np.repeat(total, lines).tolist(), discount.tolist(), revenue.tolist(), supplycost.tolist(),
                  tax.tolist(), keys[commitday].tolist(), modes[mode].tolist())


def lineorder_chunks_python(sizes, seed):
    rng = random.Random(seed * 1000 + 4)
    uniform = rng.random
    keys = date_keys()
    customers, parts, suppliers = sizes["customer"], sizes["part"], sizes["supplier"]
    for first in range(0, sizes["orders"], ORDERS_PER_CHUNK):
        rows = []
        for index in range(first, min(first + ORDERS_PER_CHUNK, sizes["orders"])):
            orderkey = (index // 8) * 32 + index % 8 + 1
            custkey = int(uniform() * customers) + 1
            orderday = int(uniform() * ORDER_DAYS)
            priority = PRIORITIES[int(uniform() * 5)]
            order_rows, total = [], 0
            for line in range(1, int(uniform() * 7) + 2):
                partkey = int(uniform() * parts) + 1
                quantity, discount, tax = int(uniform() * 50) + 1, int(uniform() * 11), int(uniform() * 9)
                price = retail_price(partkey)
                extended = quantity * price
                total += extended * (100 + tax) // 100 * (100 - discount) // 100
                order_rows.append([orderkey, line, custkey, partkey, int(uniform() * suppliers) + 1, keys[orderday],
                                   priority, quantity, extended, 0, discount, extended * (100 - discount) // 100,
                                   6 * price // 10, tax, keys[orderday + COMMIT_MIN + int(uniform() * 61)],
                                   SHIP_MODES[int(uniform() * 7)]])
            for row in order_rows:
                row[9] = total
            rows.extend(order_rows)
        yield rows


def write_lineorder(path, sizes, seed, use_numpy):
    chunks = lineorder_chunks_numpy(sizes, seed) if use_numpy else lineorder_chunks_python(sizes, seed)
    rows = 0
    with open(path, "w") as out:
        for chunk in chunks:
            text = "".join([LINE_FORMAT % tuple(row) for row in chunk])
            rows += text.count("\n")
            out.write(text)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sf", type=float, default=0.05, help="scale factor (default 0.05)")
    parser.add_argument("--out", default="ssb-data", help="output directory (default ./ssb-data)")
    parser.add_argument("--seed", type=int, default=19920101, help="random seed (default 19920101)")
    parser.add_argument("--no-numpy", action="store_true", help="generate lineorder in plain Python")
    parser.add_argument("--quiet", action="store_true")
    arguments = parser.parse_args()
    if arguments.sf <= 0:
        parser.error("--sf must be positive")
    use_numpy = not arguments.no_numpy
    if use_numpy:
        try:
            import numpy  # noqa: F401
        except ImportError:
            use_numpy = False
    os.makedirs(arguments.out, exist_ok=True)
    sizes = counts(arguments.sf)
    start = time.perf_counter()
    path = lambda name: os.path.join(arguments.out, name + ".tbl")
    write_date(path("date"))
    write_customer(path("customer"), sizes["customer"], arguments.seed)
    write_supplier(path("supplier"), sizes["supplier"], arguments.seed)
    write_part(path("part"), sizes["part"], arguments.seed)
    rows = write_lineorder(path("lineorder"), sizes, arguments.seed, use_numpy)
    if not arguments.quiet:
        print(f"SSB SF {arguments.sf:g} in {arguments.out}: customer {sizes['customer']}, supplier {sizes['supplier']}, "
              f"part {sizes['part']}, date {len(date_keys())}, lineorder {rows} ({sizes['orders']} orders; "
              f"{'numpy' if use_numpy else 'plain Python'}, seed {arguments.seed}); "
              f"{time.perf_counter() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
