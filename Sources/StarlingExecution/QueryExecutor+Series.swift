/// `generate_series(start, stop, step)` as rows: the numbers from `start` to `stop` by `step`,
/// in chunks of ``QueryExecutor/seriesChunkSize``, counted against the memory budget.

import StarlingColumns

extension QueryExecutor {
    /// Rows per chunk of a series.
    static let seriesChunkSize = 2048

    /// The series' rows: none when a bound is NULL or `start` is past `stop` in `step`'s
    /// direction; an error for a zero step.
    func series(start: BoundExpression, stop: BoundExpression, step: BoundExpression) throws(QueryError) -> [Chunk] {
        let one = Chunk.rowsOnly(1)
        func value(_ expression: BoundExpression) throws(QueryError) -> Int64? {
            let vector = try ExpressionEvaluator.evaluate(expression, one)
            guard case .integer(let number) = vector.value(at: 0) else { return nil }
            return number
        }
        guard let first = try value(start), let last = try value(stop), let increment = try value(step) else {
            return []
        }
        guard increment != 0 else { throw .invalid("generate_series's step must not be zero") }
        if increment > 0 ? first > last : first < last { return [] }
        // The number of values, in unsigned arithmetic (the span may not fit an Int64).
        let span = increment > 0 ? UInt64(bitPattern: last &- first) : UInt64(bitPattern: first &- last)
        let steps = span / increment.magnitude
        guard steps < UInt64(Int.max / 16) else { throw QueryError(.memoryLimit, "generate_series is too long") }
        let count = steps + 1
        try budget.reserve(Int(count) * 8, for: "GENERATE_SERIES")
        var chunks: [Chunk] = []
        var produced: UInt64 = 0
        var next = first
        while produced < count {
            try control?.check()
            let size = Int(min(UInt64(Self.seriesChunkSize), count - produced))
            var values: [Int64] = []
            values.reserveCapacity(size)
            for _ in 0..<size {
                values.append(next)
                next = next &+ increment  // past the last value only after it is taken
            }
            produced += UInt64(size)
            let vector = Vector(type: .bigint, count: size, data: .integers(values), nulls: nil)
            chunks.append(Chunk(columns: [vector], count: size))
        }
        return chunks
    }
}
