/// One worker's partial hash aggregate: group keys to group numbers, and the accumulators.

import StarlingColumns

/// Groups rows by key and accumulates each aggregate per group. Each worker owns one; at the
/// end they are merged into the first.
final class AggregateState {
    let groups: [BoundExpression]
    let aggregates: [AggregateSpecification]
    let keyTypes: [LogicalType]
    private let table: KeyTable
    private let interner = StringInterner()
    /// Each group's key values, in group order.
    private(set) var keyRows: [[Value]] = []
    let accumulators: [Accumulator]

    init(groups: [BoundExpression], aggregates: [AggregateSpecification]) {
        self.groups = groups
        self.aggregates = aggregates
        self.keyTypes = groups.map(\.type)
        self.table = KeyTable(width: KeyEncoder.width(groups.count))
        self.accumulators = aggregates.map(Accumulator.init)
        if groups.isEmpty {
            // A global aggregate has its one group even over no rows.
            keyRows = [[]]
            for accumulator in accumulators { accumulator.resize(1) }
        }
    }

    var groupCount: Int { keyRows.count }

    /// Adds a chunk of input rows.
    func consume(_ chunk: Chunk) throws(QueryError) {
        let count = chunk.count
        guard count > 0 else { return }
        let groupNumbers: [Int32]
        if groups.isEmpty {
            groupNumbers = [Int32](repeating: 0, count: count)
        } else {
            let keyVectors = try groups.map { (group) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(group, chunk) }
            groupNumbers = assign(keyVectors, count: count)
        }
        for (index, accumulator) in accumulators.enumerated() {
            let specification = aggregates[index]
            let argument = try specification.argument.map { (argument) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(argument, chunk) }
            var included: [Bool]?
            if let filter = specification.filter {
                let value = try ExpressionEvaluator.evaluate(filter, chunk)
                if case .booleans(let flags) = value.data {
                    included = (0..<count).map { flags[$0] && !value.isNull($0) }
                }
            }
            try accumulator.update(groups: groupNumbers, argument: argument, included: included)
        }
    }

    /// The largest combined key domain the direct-mapped path uses.
    static let directDomainLimit = 1 << 16

    /// Each key column as small dense codes (dictionary codes, or integers minus their minimum,
    /// with one more code for NULL), when their combined domain is small; nil otherwise.
    private func denseCodes(_ keyVectors: [Vector], count: Int) -> (codes: [Int32], domain: Int)? {
        var combined = [Int32](repeating: 0, count: count)
        var domain = 1
        for vector in keyVectors {
            let size: Int
            var low: Int64 = 0
            switch vector.data {
            case .dictionary(_, let dictionary): size = dictionary.count + 1
            case .integers(let values):
                guard let (smallest, high) = Self.bounds(values, count: count) else { return nil }
                low = smallest
                let (span, overflow) = high.subtractingReportingOverflow(low)
                guard !overflow, span < Int64(Self.directDomainLimit) else { return nil }
                size = Int(span) + 2
            case .booleans: size = 3
            default: return nil
            }
            guard domain * size <= Self.directDomainLimit else { return nil }
            let factor = Int32(size)
            let nulls = vector.nulls
            combined.withUnsafeMutableBufferPointer { combined in
                // Each row's code in this column (NULL is the column's last code), folded in.
                @inline(__always) func fold(_ code: (Int) -> Int32) {
                    if let nulls {
                        for row in 0..<count { combined[row] = combined[row] &* factor &+ (nulls[row] ? factor &- 1 : code(row)) }
                    } else {
                        for row in 0..<count { combined[row] = combined[row] &* factor &+ code(row) }
                    }
                }
                switch vector.data {
                case .dictionary(let codes, _):
                    codes.withUnsafeBufferPointer { codes in fold { Int32(truncatingIfNeeded: codes[$0]) } }
                case .integers(let values):
                    values.withUnsafeBufferPointer { values in fold { Int32(truncatingIfNeeded: values[$0] &- low) } }
                case .booleans(let values):
                    values.withUnsafeBufferPointer { values in fold { values[$0] ? 1 : 0 } }
                default:
                    break
                }
            }
            domain *= size
        }
        return (combined, domain)
    }

    /// The smallest and largest of the first `count` values (NULL rows included: their values
    /// are in range, and only widen the domain); nil when there are none.
    static func bounds(_ values: [Int64], count: Int) -> (low: Int64, high: Int64)? {
        guard count > 0 else { return nil }
        return values.withUnsafeBufferPointer { values in
            var low = values[0], high = values[0]
            for row in 1..<count {
                low = Swift.min(low, values[row])
                high = Swift.max(high, values[row])
            }
            return (low, high)
        }
    }

    /// The group number of every row, creating groups as needed.
    private func assign(_ keyVectors: [Vector], count: Int) -> [Int32] {
        // Small key domains: hash each distinct key of the chunk once, then look rows up by code.
        if let (codes, domain) = denseCodes(keyVectors, count: count) {
            var cache = [Int32](repeating: -1, count: domain)
            var numbers = [Int32](repeating: 0, count: count)
            var firstRows: [Int] = []
            for row in 0..<count where cache[Int(codes[row])] < 0 {
                cache[Int(codes[row])] = Int32(firstRows.count)
                firstRows.append(row)
            }
            // Group numbers of each distinct key, through the hash table.
            let representatives = keyVectors.map { $0.gather(firstRows.map { Int32($0) }) }
            let distinctNumbers = assignHashed(representatives, count: firstRows.count)
            for row in 0..<count { numbers[row] = distinctNumbers[Int(cache[Int(codes[row])])] }
            return numbers
        }
        return assignHashed(keyVectors, count: count)
    }

    /// The group number of every row through the hash table.
    private func assignHashed(_ keyVectors: [Vector], count: Int) -> [Int32] {
        let width = table.width
        let words = KeyEncoder.encode(keyVectors, count: count, interner: interner, insert: true)
        var numbers = [Int32](repeating: 0, count: count)
        words.withUnsafeBufferPointer { words in
            guard let base = words.baseAddress else { return }
            for row in 0..<count {
                let before = table.count
                let number = table.findOrInsert(base + row * width)
                if table.count > before {
                    keyRows.append(keyVectors.map { $0.value(at: row) })
                }
                numbers[row] = number
            }
        }
        let groupCount = keyRows.count
        for accumulator in accumulators { accumulator.resize(groupCount) }
        return numbers
    }

    /// The group number of a key given as values, creating it when new.
    private func group(for key: [Value]) -> Int32 {
        let vectors = zip(key, keyTypes).map { Vector(type: $1, values: [$0]) }
        let words = KeyEncoder.encode(vectors, count: 1, interner: interner, insert: true)
        let before = table.count
        let number = words.withUnsafeBufferPointer { words -> Int32 in
            guard let base = words.baseAddress else { return 0 }
            return table.findOrInsert(base)
        }
        if table.count > before { keyRows.append(key) }
        return number
    }

    /// Folds another worker's groups into this one.
    func merge(_ other: AggregateState) throws(QueryError) {
        let mapping: [Int32]
        if groups.isEmpty {
            mapping = [0]
        } else {
            mapping = other.keyRows.map { group(for: $0) }
            for accumulator in accumulators { accumulator.resize(keyRows.count) }
        }
        for (index, accumulator) in accumulators.enumerated() {
            try accumulator.merge(other.accumulators[index], mapping: mapping)
        }
    }

    /// The result rows: group keys, then aggregates.
    func finish(types: [LogicalType]) throws(QueryError) -> Chunk {
        var columns: [[Value]] = Array(repeating: [], count: groups.count + aggregates.count)
        for group in 0..<keyRows.count {
            for (column, value) in keyRows[group].enumerated() { columns[column].append(value) }
            for (index, accumulator) in accumulators.enumerated() {
                columns[groups.count + index].append(try accumulator.result(group))
            }
        }
        let vectors = columns.enumerated().map { Vector(type: types[$0.offset], values: $0.element) }
        return Chunk(columns: vectors, count: keyRows.count)
    }

    /// Approximate bytes held.
    var byteCount: Int { table.byteCount + keyRows.count * groups.count * 24 + accumulators.reduce(0) { $0 + $1.byteCount } }
}
