/// Row values `(a, b, …)` as one key per row, for `count(DISTINCT (a, b))`: the components'
/// values (and NULLs) encoded into bytes so that two rows have equal keys exactly when every
/// component is equal, NULL equal to NULL — a row value is never NULL itself, as in DuckDB.

import StarlingColumns

/// The encoding of row values: per component a tag byte (0 NULL, 1 a value), then the value —
/// 8 bytes for integers and doubles (their bits, zero and NaN made canonical), 1 for booleans,
/// a 4-byte length and the bytes for strings, 16 for intervals (their normalised key). Keys are compared as bytes, never shown.
enum RowKey {
    static func evaluate(_ arguments: [BoundExpression], _ chunk: Chunk) throws(QueryError) -> Vector {
        var components: [Vector] = []
        for argument in arguments { components.append(try ExpressionEvaluator.evaluate(argument, chunk)) }
        var builder = StringStorageBuilder()
        var bytes: [UInt8] = []
        for row in 0..<chunk.count {
            bytes.removeAll(keepingCapacity: true)
            for component in components { append(component, row, to: &bytes) }
            bytes.withUnsafeBytes { builder.append(bytes: $0) }
        }
        return Vector(type: .varchar, count: chunk.count, data: .strings(builder.finish()), nulls: nil)
    }

    private static func append(_ vector: Vector, _ row: Int, to bytes: inout [UInt8]) {
        guard !vector.isNull(row) else {
            bytes.append(0)
            return
        }
        bytes.append(1)
        func word(_ value: UInt64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
        switch vector.data {
        case .integers(let values): word(UInt64(bitPattern: values[row]))
        case .doubles(let values):
            let value = values[row] == 0 ? 0 : (values[row].isNaN ? Double.nan : values[row])
            word(value.bitPattern)
        case .booleans(let values): bytes.append(values[row] ? 1 : 0)
        case .strings, .dictionary:
            let text = vector.stringBytes(at: row)
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: text.count).littleEndian) { bytes += $0 }
            bytes += text
        case .intervals(let values):
            // The normalised key, so that equal intervals (a month and 30 days) give equal keys.
            let key = values[row].orderKey
            word(UInt64(bitPattern: key.months))
            word(UInt64(bitPattern: key.micros))
        }
    }
}
