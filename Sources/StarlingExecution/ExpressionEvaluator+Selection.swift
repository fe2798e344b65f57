/// Filtering: the rows where a predicate holds, conjunct by conjunct on a shrinking selection.

import StarlingColumns
import StarlingEncoding

extension ExpressionEvaluator {
    /// The rows of `chunk` where `predicate` is true (not false, not NULL), ascending.
    ///
    /// An AND is applied one conjunct at a time, each only to the rows still selected; a
    /// comparison of a column with a constant runs as a loop over those rows without building a
    /// boolean vector. Other conjuncts are evaluated for the whole chunk and intersected.
    ///
    /// A conjunct that fails (`ln(x) > 1` on a negative `x`) is tried again after the others,
    /// on the rows they keep: the error stands only if one of those raises it, so a guard such
    /// as `x > 0 AND ln(x) > 1` works in whatever order the conjuncts come (as in DuckDB).
    public static func select(_ predicate: BoundExpression, _ chunk: Chunk) throws(QueryError) -> [Int32] {
        var selection: [Int32]?
        var failed: [BoundExpression] = []
        for conjunct in predicate.conjunctParts {
            do {
                selection = try refine(conjunct, chunk, selection)
            } catch {
                failed.append(conjunct)
                continue
            }
            if selection?.isEmpty == true { return [] }
        }
        for conjunct in failed {
            selection = try refine(conjunct, chunk, selection)
            if selection?.isEmpty == true { return [] }
        }
        return selection ?? (0..<chunk.count).map { Int32($0) }
    }

    /// The rows of `selection` (all rows when nil) where `conjunct` holds.
    static func refine(_ conjunct: BoundExpression, _ chunk: Chunk, _ selection: [Int32]?) throws(QueryError) -> [Int32] {
        if case .comparison(let op, .column(let index, _), .constant(let constant, _)) = conjunct {
            if let rows = compareColumn(chunk.columns[index], op, constant, selection) { return rows }
        }
        if case .comparison(let op, .constant(let constant, _), .column(let index, _)) = conjunct {
            if let rows = compareColumn(chunk.columns[index], op.swapped, constant, selection) { return rows }
        }
        let value: Vector
        do {
            value = try evaluate(conjunct, chunk)
        } catch {
            // The error may come from rows an earlier conjunct removed (`x > 0 AND ln(x) > 1`):
            // evaluated on the rows still selected alone, it stands only if one of them raises it.
            guard let selection, selection.count < chunk.count else { throw error }
            let kept = try evaluate(conjunct, chunk.gather(selection, columns: conjunct.columnsUsed))
            guard case .booleans(let flags) = kept.data else { return [] }
            var rows: [Int32] = []
            for (index, row) in selection.enumerated() where flags[index] && !kept.isNull(index) { rows.append(row) }
            return rows
        }
        guard case .booleans(let flags) = value.data else { return [] }
        let nulls = value.nulls
        var rows: [Int32] = []
        if let selection {
            rows.reserveCapacity(selection.count)
            for row in selection where flags[Int(row)] && !(nulls?[Int(row)] ?? false) { rows.append(row) }
        } else {
            rows.reserveCapacity(value.count)
            for row in 0..<value.count where flags[row] && !(nulls?[row] ?? false) { rows.append(Int32(row)) }
        }
        return rows
    }

    /// `column op constant` over the selected rows, for integer and dictionary-coded columns;
    /// nil for other shapes.
    static func compareColumn(_ column: Vector, _ op: ComparisonOperator, _ constant: Value, _ selection: [Int32]?) -> [Int32]? {
        if constant.isNull { return [] }
        let nulls = column.nulls
        switch (column.data, constant) {
        case (.integers(let values), .integer(let scalar)):
            var rows: [Int32]
            switch op {
            case .equal: rows = keepIntegers(IsEqual.self, values, scalar, selection)
            case .notEqual: rows = keepIntegers(IsNotEqual.self, values, scalar, selection)
            case .less: rows = keepIntegers(IsLess.self, values, scalar, selection)
            case .lessOrEqual: rows = keepIntegers(IsLessOrEqual.self, values, scalar, selection)
            case .greater: rows = keepIntegers(IsGreater.self, values, scalar, selection)
            case .greaterOrEqual: rows = keepIntegers(IsGreaterOrEqual.self, values, scalar, selection)
            }
            if let nulls { rows.removeAll { nulls[Int($0)] } }
            return rows
        case (.dictionary(let codes, let dictionary), .string(let scalar))
        where Vector.perEntry(entries: dictionary.count, rows: selection?.count ?? codes.count):
            var bytes = Array(scalar.utf8)
            let passing = bytes.withUnsafeMutableBytes { scalarBytes in
                (0..<dictionary.count).map { op.holds(compareBytes(dictionary.bytes(at: $0), UnsafeRawBufferPointer(scalarBytes))) }
            }
            return codes.withUnsafeBufferPointer { codes in
                passing.withUnsafeBufferPointer { passing in
                    keep(codes.count, selection, nulls) { passing[Int(codes[$0])] }
                }
            }
        default:
            return nil
        }
    }

    /// The rows (of `selection`, or all) whose value passes `Test` against `scalar`: one
    /// branch-free loop per comparison, specialised at compile time.
    @inline(__always)
    static func keepIntegers<Test: IntegerTest>(_ test: Test.Type, _ values: [Int64], _ scalar: Int64, _ selection: [Int32]?) -> [Int32] {
        var rows = [Int32](repeating: 0, count: selection?.count ?? values.count)
        var kept = 0
        values.withUnsafeBufferPointer { values in
            rows.withUnsafeMutableBufferPointer { rows in
                if let selection {
                    selection.withUnsafeBufferPointer { selection in
                        for row in selection {
                            rows[kept] = row
                            kept &+= Int(unsafeBitCast(Test.test(values[Int(row)], scalar), to: UInt8.self))
                        }
                    }
                } else {
                    for row in 0..<values.count {
                        rows[kept] = Int32(truncatingIfNeeded: row)
                        kept &+= Int(unsafeBitCast(Test.test(values[row], scalar), to: UInt8.self))
                    }
                }
            }
        }
        rows.removeSubrange(kept...)
        return rows
    }

    /// The rows (of `selection`, or all `count`) that are not NULL and pass `test`.
    @inline(__always)
    static func keep(_ count: Int, _ selection: [Int32]?, _ nulls: [Bool]?, _ test: (Int) -> Bool) -> [Int32] {
        var rows = [Int32](repeating: 0, count: selection?.count ?? count)
        var kept = 0
        rows.withUnsafeMutableBufferPointer { rows in
            if let selection {
                selection.withUnsafeBufferPointer { selection in
                    for row in selection {
                        rows[kept] = row
                        kept &+= test(Int(row)) ? 1 : 0
                    }
                }
            } else {
                for row in 0..<count {
                    rows[kept] = Int32(truncatingIfNeeded: row)
                    kept &+= test(row) ? 1 : 0
                }
            }
        }
        rows.removeSubrange(kept...)
        if let nulls { rows.removeAll { nulls[Int($0)] } }
        return rows
    }
}

extension BoundExpression {
    /// The parts of a (nested) AND, or the expression itself.
    public var conjunctParts: [BoundExpression] {
        if case .and(let parts) = self { return parts.flatMap(\.conjunctParts) }
        return [self]
    }
}

/// A comparison of two integers, as a type so kernels specialise on it.
protocol IntegerTest {
    static func test(_ value: Int64, _ scalar: Int64) -> Bool
}

enum IsEqual: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value == scalar } }
enum IsNotEqual: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value != scalar } }
enum IsLess: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value < scalar } }
enum IsLessOrEqual: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value <= scalar } }
enum IsGreater: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value > scalar } }
enum IsGreaterOrEqual: IntegerTest { @inline(__always) static func test(_ value: Int64, _ scalar: Int64) -> Bool { value >= scalar } }
