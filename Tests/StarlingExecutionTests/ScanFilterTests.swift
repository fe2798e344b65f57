/// Splitting a scan's filter into ranges tested on encoded chunks and a residual.

import StarlingColumns
@testable import StarlingExecution
import StarlingStorage
import Testing

@Suite("Scan filter")
struct ScanFilterTests {
    /// Scan columns: 0 INTEGER, 1 DATE, 2 DECIMAL(12,2), 3 VARCHAR, 4 DOUBLE, 5 BOOLEAN, 6 row codes.
    static let columns: [ScanColumn] = {
        let types: [LogicalType] = [.integer, .date, .decimal(precision: 12, scale: 2), .varchar, .double, .boolean]
        var columns = types.enumerated().map { index, type in
            ScanColumn(column: CatalogColumn(identifier: index, name: "c\(index)", type: type, notNull: false, references: nil),
                       mode: .stored, name: "c\(index)")
        }
        let reference = CatalogColumn(identifier: 6, name: "c6", type: .integer, notNull: false,
                                      references: ColumnReference(table: "dimension", column: "key"))
        columns.append(ScanColumn(column: reference, mode: .rowCode, name: "c6"))
        return columns
    }()

    static func compare(_ op: ComparisonOperator, _ column: Int, _ value: Int64, _ type: LogicalType = .integer) -> BoundExpression {
        .comparison(op, .column(column, type), .constant(.integer(value), type))
    }

    @Test("each comparison operator becomes its closed range; <> stays in the residual")
    func operators() {
        let cases: [(ComparisonOperator, Int64, Int64)?] = [
            (.equal, 5, 5), (.less, .min, 4), (.lessOrEqual, .min, 5), (.greater, 6, .max), (.greaterOrEqual, 5, .max), nil,
        ]
        for (op, expected) in zip([ComparisonOperator.equal, .less, .lessOrEqual, .greater, .greaterOrEqual, .notEqual], cases) {
            let filter = ScanFilter(Self.compare(op, 0, 5), columns: Self.columns)
            if let expected {
                #expect(filter.ranges.count == 1)
                #expect(filter.ranges.first?.scanColumn == 0)
                #expect(filter.ranges.first?.low == expected.1)
                #expect(filter.ranges.first?.high == expected.2)
                #expect(filter.residual.isEmpty)
            } else {
                #expect(filter.ranges.isEmpty)
                #expect(filter.residual == [Self.compare(.notEqual, 0, 5)])
            }
        }
    }

    @Test("a constant on the left is swapped: 10 > c0 is c0 < 10")
    func swappedConstant() {
        let filter = ScanFilter(.comparison(.greater, .constant(.integer(10), .integer), .column(0, .integer)), columns: Self.columns)
        #expect(filter.ranges.map(\.low) == [.min])
        #expect(filter.ranges.map(\.high) == [9])
    }

    @Test("c < min and c > max keep nothing instead of overflowing")
    func extremes() {
        let below = ScanFilter(Self.compare(.less, 0, .min), columns: Self.columns)
        #expect(below.ranges.count == 1)
        #expect(below.ranges.allSatisfy { $0.low > $0.high })
        let above = ScanFilter(Self.compare(.greater, 0, .max), columns: Self.columns)
        #expect(above.ranges.allSatisfy { $0.low > $0.high })
    }

    @Test("conjuncts on one column merge into one range, in nested ANDs too, keeping their conditions")
    func merges() {
        let between = BoundExpression.and([
            Self.compare(.greaterOrEqual, 1, 100, .date),
            .and([Self.compare(.lessOrEqual, 1, 130, .date), Self.compare(.greaterOrEqual, 0, 1)]),
            Self.compare(.greater, 1, 110, .date),
            Self.compare(.lessOrEqual, 0, 3),
        ])
        let filter = ScanFilter(between, columns: Self.columns)
        #expect(filter.ranges.map(\.scanColumn) == [1, 0])
        #expect(filter.ranges.map(\.low) == [111, 1])
        #expect(filter.ranges.map(\.high) == [130, 3])
        #expect(filter.ranges.first?.condition == .and([
            Self.compare(.greaterOrEqual, 1, 100, .date), Self.compare(.lessOrEqual, 1, 130, .date), Self.compare(.greater, 1, 110, .date),
        ]))
        #expect(filter.ranges.last?.condition == .and([Self.compare(.greaterOrEqual, 0, 1), Self.compare(.lessOrEqual, 0, 3)]))
        #expect(filter.residual.isEmpty)
        #expect(filter.predicate(adding: []) == nil)
    }

    @Test("decimals are ranges on their scaled integers; strings, doubles, booleans, row codes and mismatched types are residual")
    func kinds() {
        let decimal = LogicalType.decimal(precision: 12, scale: 2)
        #expect(ScanFilter(Self.compare(.less, 2, 1050, decimal), columns: Self.columns).ranges.map(\.high) == [1049])
        let residual: [BoundExpression] = [
            .comparison(.equal, .column(3, .varchar), .constant(.string("x"), .varchar)),
            .comparison(.less, .column(4, .double), .constant(.double(1.5), .double)),
            .comparison(.equal, .column(5, .boolean), .constant(.boolean(true), .boolean)),
            Self.compare(.equal, 6, 3),
            Self.compare(.equal, 0, 3, .bigint),
            .comparison(.equal, .column(0, .integer), .column(6, .integer)),
            .or([Self.compare(.equal, 0, 1), Self.compare(.equal, 0, 2)]),
        ]
        let filter = ScanFilter(.and(residual + [Self.compare(.equal, 0, 7)]), columns: Self.columns)
        #expect(filter.ranges.map(\.scanColumn) == [0])
        #expect(filter.residual == residual)
        let extra = Self.compare(.less, 1, 3, .date)
        #expect(filter.predicate(adding: [extra]) == .and(residual + [extra]))
        #expect(ScanFilter(nil, columns: Self.columns).predicate(adding: [extra]) == extra)
    }

    @Test("the estimate is the range's share of the zone map, clamped, and 0.5 when the zone map is unknown")
    func estimates() {
        #expect(ScanFilter.estimate(low: 1, high: 10, minimum: .integer(1), maximum: .integer(100)) == 0.1)
        #expect(ScanFilter.estimate(low: .min, high: .max, minimum: .integer(1), maximum: .integer(100)) == 1)
        #expect(ScanFilter.estimate(low: 200, high: 300, minimum: .integer(1), maximum: .integer(100)) == 0)
        #expect(ScanFilter.estimate(low: 5, high: 4, minimum: .integer(1), maximum: .integer(100)) == 0)
        #expect(ScanFilter.estimate(low: .min, high: .max, minimum: .integer(.min), maximum: .integer(.max)) == 1)
        #expect(ScanFilter.estimate(low: 1, high: 2, minimum: .null, maximum: .null) == 0.5)
    }
}
