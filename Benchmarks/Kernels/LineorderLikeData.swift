/// Columns shaped like SSB's lineorder fact table, for size and speed measurements.

import StarlingColumns

/// Synthetic lineorder-like columns at SSB scale-factor-1 domains (the real generator comes
/// with `starling gen ssb`): orders of 1–7 lines sorted by order key, uniform foreign keys,
/// dates in 1992–1998, small-domain quantities and discounts, money as DECIMAL(12,2).
struct LineorderLikeData {
    let columns: [(name: String, vector: ColumnVector)]

    init(rows: Int) {
        var random = SplitMix64(seed: 1992)
        var orderKey: [Value] = [], lineNumber: [Value] = [], customer: [Value] = [], part: [Value] = []
        var supplier: [Value] = [], orderDate: [Value] = [], priority: [Value] = [], quantity: [Value] = []
        var extendedPrice: [Value] = [], discount: [Value] = [], revenue: [Value] = [], supplyCost: [Value] = []
        var tax: [Value] = [], commitDate: [Value] = [], shipMode: [Value] = []
        let priorities = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"]
        let modes = ["AIR", "FOB", "MAIL", "RAIL", "REG AIR", "SHIP", "TRUCK"]
        let firstDay = Int64(CalendarDate(year: 1992, month: 1, day: 1).daysSinceEpoch)
        var order: Int64 = 0
        var line = 0
        var linesInOrder = 0
        var orderCustomer: Int64 = 0, orderDay: Int64 = 0, orderPriority = ""
        for _ in 0..<rows {
            if line == linesInOrder {
                order += 1
                line = 0
                linesInOrder = 1 + Int(random.next() % 7)
                orderCustomer = 1 + Int64(random.next() % 30_000)
                orderDay = firstDay + Int64(random.next() % 2_400)
                orderPriority = priorities[Int(random.next() % 5)]
            }
            line += 1
            let quantityValue = 1 + Int64(random.next() % 50)
            let price = 90_000 + Int64(random.next() % 110_000)
            let discountValue = Int64(random.next() % 11)
            orderKey.append(.integer(order))
            lineNumber.append(.integer(Int64(line)))
            customer.append(.integer(orderCustomer))
            part.append(.integer(1 + Int64(random.next() % 200_000)))
            supplier.append(.integer(1 + Int64(random.next() % 2_000)))
            orderDate.append(.integer(orderDay))
            priority.append(.string(orderPriority))
            quantity.append(.integer(quantityValue))
            extendedPrice.append(.integer(price * quantityValue))
            discount.append(.integer(discountValue))
            revenue.append(.integer(price * quantityValue * (100 - discountValue) / 100))
            supplyCost.append(.integer(price * 6 / 10))
            tax.append(.integer(Int64(random.next() % 9)))
            commitDate.append(.integer(orderDay + 30 + Int64(random.next() % 60)))
            shipMode.append(.string(modes[Int(random.next() % 7)]))
        }
        let money = LogicalType.decimal(precision: 12, scale: 2)
        columns = [
            ("lo_orderkey", ColumnVector(type: .bigint, values: orderKey)),
            ("lo_linenumber", ColumnVector(type: .tinyint, values: lineNumber)),
            ("lo_custkey", ColumnVector(type: .integer, values: customer)),
            ("lo_partkey", ColumnVector(type: .integer, values: part)),
            ("lo_suppkey", ColumnVector(type: .integer, values: supplier)),
            ("lo_orderdate", ColumnVector(type: .date, values: orderDate)),
            ("lo_orderpriority", ColumnVector(type: .varchar, values: priority)),
            ("lo_quantity", ColumnVector(type: .tinyint, values: quantity)),
            ("lo_extendedprice", ColumnVector(type: money, values: extendedPrice)),
            ("lo_discount", ColumnVector(type: .tinyint, values: discount)),
            ("lo_revenue", ColumnVector(type: money, values: revenue)),
            ("lo_supplycost", ColumnVector(type: money, values: supplyCost)),
            ("lo_tax", ColumnVector(type: .tinyint, values: tax)),
            ("lo_commitdate", ColumnVector(type: .date, values: commitDate)),
            ("lo_shipmode", ColumnVector(type: .varchar, values: shipMode)),
        ]
    }

    func column(_ name: String) -> ColumnVector {
        guard let match = columns.first(where: { $0.name == name }) else { preconditionFailure("no column \(name)") }
        return match.vector
    }
}
