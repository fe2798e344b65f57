/// The five tables of the Star Schema Benchmark: their files, columns, sizes per scale factor and
/// the fixed blocks they are generated in.

/// One SSB table, in the order the generator writes them (dimensions before the fact table).
public enum SSBTable: String, CaseIterable, Sendable {
    case date
    case customer
    case supplier
    case part
    case lineorder

    /// The file name in the output directory: `date.tbl` (loaded into the table `dates`), ….
    public func fileName(format: SampleFileFormat) -> String {
        "\(rawValue).\(format.fileExtension)"
    }

    /// The table the file loads into: `dates` for the date dimension (DATE is a keyword), the
    /// file's own name for the others.
    public var tableName: String {
        self == .date ? "dates" : rawValue
    }

    /// The column names, as `Benchmarks/ssb/schema.sql` declares them (the CSV header).
    public var columnNames: [String] {
        switch self {
        case .date:
            return ["d_datekey", "d_date", "d_dayofweek", "d_month", "d_year", "d_yearmonthnum", "d_yearmonth",
                    "d_daynuminweek", "d_daynuminmonth", "d_daynuminyear", "d_monthnuminyear", "d_weeknuminyear",
                    "d_sellingseason", "d_lastdayinweekfl", "d_lastdayinmonthfl", "d_holidayfl", "d_weekdayfl"]
        case .customer:
            return ["c_custkey", "c_name", "c_address", "c_city", "c_nation", "c_region", "c_phone", "c_mktsegment"]
        case .supplier:
            return ["s_suppkey", "s_name", "s_address", "s_city", "s_nation", "s_region", "s_phone"]
        case .part:
            return ["p_partkey", "p_name", "p_mfgr", "p_category", "p_brand1", "p_color", "p_type", "p_size",
                    "p_container"]
        case .lineorder:
            return ["lo_orderkey", "lo_linenumber", "lo_custkey", "lo_partkey", "lo_suppkey", "lo_orderdate",
                    "lo_orderpriority", "lo_shippriority", "lo_quantity", "lo_extendedprice", "lo_ordtotalprice",
                    "lo_discount", "lo_revenue", "lo_supplycost", "lo_tax", "lo_commitdate", "lo_shipmode"]
        }
    }

    /// Rows per block (orders per block for lineorder). Blocks are fixed whatever the thread count,
    /// and each draws from its own random stream, so the output depends only on SF and seed.
    var unitsPerBlock: Int {
        switch self {
        case .date: return SSBCalendar.dayCount
        case .customer, .supplier, .part: return 5_000
        case .lineorder: return 5_000
        }
    }

    /// A number that tells the table's random streams apart from other tables'.
    var streamTag: UInt64 {
        switch self {
        case .date: return 1
        case .customer: return 2
        case .supplier: return 3
        case .part: return 4
        case .lineorder: return 5
        }
    }
}

/// How many rows each table gets at a scale factor (lineorder: how many orders, of 1 to 7 lines).
public struct SSBCardinalities: Sendable, Equatable {
    /// The largest scale factor accepted: every key and money value still fits an SQL INTEGER.
    public static let maximumScaleFactor = 10_000.0

    public var customers: Int
    public var suppliers: Int
    public var parts: Int
    public var orders: Int

    /// The spec's sizes: customer 30,000 × SF, supplier 2,000 × SF, part 200,000 × (1 + ⌊log2 SF⌋)
    /// (200,000 up to SF 1), 1,500,000 × SF orders; each rounded down, at least 1. Nil unless
    /// `scaleFactor` is above 0 and at most ``maximumScaleFactor``.
    public init?(scaleFactor: Double) {
        guard scaleFactor > 0, scaleFactor <= Self.maximumScaleFactor else { return nil }
        customers = Self.atLeastOne(30_000 * scaleFactor)
        suppliers = Self.atLeastOne(2_000 * scaleFactor)
        parts = scaleFactor <= 1 ? 200_000 : 200_000 * (1 + log2Floor(scaleFactor))
        orders = Self.atLeastOne(1_500_000 * scaleFactor)
    }

    /// Explicit sizes (for tests and samples smaller than the spec's), each clamped to at least 1
    /// and to what keys can hold (dimension keys are SQL INTEGERs).
    public init(customers: Int, suppliers: Int, parts: Int, orders: Int) {
        let largestKey = Int(Int32.max)
        self.customers = min(max(1, customers), largestKey)
        self.suppliers = min(max(1, suppliers), largestKey)
        self.parts = min(max(1, parts), largestKey)
        self.orders = min(max(1, orders), 1 << 40)
    }

    /// The rows of a dimension table, or the orders of lineorder.
    public func units(of table: SSBTable) -> Int {
        switch table {
        case .date: return SSBCalendar.dayCount
        case .customer: return customers
        case .supplier: return suppliers
        case .part: return parts
        case .lineorder: return orders
        }
    }

    /// The number of fixed blocks `table` is generated in.
    func blockCount(of table: SSBTable) -> Int {
        let units = units(of: table)
        return (units + table.unitsPerBlock - 1) / table.unitsPerBlock
    }

    private static func atLeastOne(_ value: Double) -> Int {
        max(1, Int(value.rounded(.down)))
    }
}

/// ⌊log2 x⌋ for x ≥ 1, exact at powers of two (no floating-point logarithm).
private func log2Floor(_ value: Double) -> Int {
    var power = 0
    var threshold = 2.0
    while value >= threshold {
        power += 1
        threshold *= 2
    }
    return power
}
