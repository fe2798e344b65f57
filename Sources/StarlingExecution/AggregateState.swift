/// One worker's partial hash aggregate: group keys to group numbers, and the accumulators.

import StarlingColumns
import Synchronization

/// The string numbering the workers of one aggregate share, one per group key column: each
/// distinct string of a column (and each entry of a build side's column the rows carry as
/// codes) is numbered once for all the workers, under that column's lock, so their group keys
/// compare as they are and the merge renumbers nothing. Columns number apart (a key word is only
/// compared with the same column's), so two workers can number two columns at once. An INTERVAL
/// column's intervals are numbered the same way (``IntervalNumbering``).
final class SharedStringInterner: Sendable {
    /// One column's numbering and its lock.
    private final class Column: @unchecked Sendable {
        let interner = StringInterner()
        let intervals = IntervalNumbering()
        let lock = Mutex<Void>(())
    }
    private let columns: [Column]

    init(columns: Int) {
        self.columns = (0..<max(1, columns)).map { _ in Column() }
    }

    /// Column `column`'s interner, for one thread alone (the merge and the results, after the
    /// workers are done).
    func interner(_ column: Int) -> StringInterner { columns[column].interner }

    /// Column `column`'s interval numbering, for one thread alone (as ``interner(_:)``).
    func intervals(_ column: Int) -> IntervalNumbering { columns[column].intervals }

    /// `body` with column `column`'s interval numbering, one worker at a time.
    func withIntervalsLocked<Result>(_ column: Int, _ body: (IntervalNumbering) -> Result) -> Result {
        let entry = columns[column]
        return entry.lock.withLock { _ in body(entry.intervals) }
    }

    /// `body` with column `column`'s interner, one worker at a time.
    func withLock<Result>(_ column: Int, _ body: (StringInterner) -> Result) -> Result {
        let entry = columns[column]
        return entry.lock.withLock { _ in body(entry.interner) }
    }

    /// `body` with column `column`'s interner when no other worker holds it; nil when one does.
    func withLockIfAvailable<Result>(_ column: Int, _ body: (StringInterner) -> Result) -> Result? {
        let entry = columns[column]
        return entry.lock.withLockIfAvailable { _ in body(entry.interner) }
    }
}

/// One worker's numbers for whole dictionaries: once the rows of a large dictionary (a join's
/// build-side column) reach an eighth of its entries, every entry is numbered in one pass under
/// the lock, and from then on the worker turns codes into numbers by itself, without the lock.
struct DictionaryNumbering {
    /// What ``numbers(_:count:strings:column:wait:)`` did with a key column.
    enum Outcome {
        /// The column as its strings' numbers.
        case numbered(Vector)
        /// Not a large dictionary (or not numbered whole yet): number it row by row.
        case rowByRow
        /// Another worker holds the column's lock: try the other columns first.
        case busy
    }

    /// Numbers of every entry, by dictionary (its offsets storage; the storage is kept here).
    private var numbered: [ObjectIdentifier: (dictionary: StringStorage, numbers: [Int64])] = [:]
    /// Rows seen so far per dictionary not yet numbered whole.
    private var rowsSeen: [ObjectIdentifier: Int] = [:]
    /// Dictionaries smaller than this are numbered entry by entry as rows use them.
    static let wholeNumberingMinimum = 4096

    /// `vector` (a string key column) as the strings' numbers when its dictionary is numbered
    /// whole (now or earlier). Numbering it whole takes the column's lock; without `wait`, a
    /// lock another worker holds gives `.busy`, so two workers number two columns at once
    /// rather than one waiting for the other.
    mutating func numbers(_ vector: Vector, count: Int, strings: SharedStringInterner, column: Int, wait: Bool)
        -> Outcome
    {
        guard case .dictionary(let codes, let dictionary) = vector.data, dictionary.count >= Self.wholeNumberingMinimum else {
            return .rowByRow
        }
        let identifier = ObjectIdentifier(dictionary.offsets)
        var numbers: [Int64]
        if let known = numbered[identifier], known.dictionary.bytes === dictionary.bytes {
            numbers = known.numbers
        } else {
            let seen = rowsSeen[identifier, default: 0] + (wait ? 0 : count)
            rowsSeen[identifier] = seen
            guard seen * 8 >= dictionary.count else { return .rowByRow }
            if wait {
                numbers = strings.withLock(column) { $0.numbersOfEveryEntry(of: dictionary) }
            } else if let found = strings.withLockIfAvailable(column, { $0.numbersOfEveryEntry(of: dictionary) }) {
                numbers = found
            } else {
                return .busy
            }
            numbered[identifier] = (dictionary, numbers)
            rowsSeen[identifier] = nil
        }
        let values = numbers.withUnsafeBufferPointer { numbers in
            codes.withUnsafeBufferPointer { codes in
                [Int64](unsafeUninitializedCapacity: count) { buffer, initialized in
                    // Codes of NULL rows may be out of range: those rows' words are cleared anyway.
                    for row in 0..<count {
                        let code = Int(codes[row])
                        buffer[row] = code < numbers.count ? numbers[code] : 0
                    }
                    initialized = count
                }
            }
        }
        return .numbered(Vector(type: .bigint, count: count, data: .integers(values), nulls: vector.nulls))
    }
}

/// Groups rows by key and accumulates each aggregate per group. Each worker owns one; at the
/// end they are merged into the first.
final class AggregateState {
    let groups: [BoundExpression]
    let aggregates: [AggregateSpecification]
    let keyTypes: [LogicalType]
    /// How group keys are numbered: one integer-class key by value (``IntegerHashIndex``; NULL
    /// is one more group), others as encoded word tuples in a ``KeyTable``. The keys are kept
    /// there, by group number, and turned back into columns at the end.
    enum Groups {
        case none
        case integer(IntegerHashIndex)
        case general(KeyTable, SharedStringInterner)
    }
    let keys: Groups
    /// This worker's numbers for the large dictionaries its string keys come coded in, by column.
    private var wholeDictionaries: [DictionaryNumbering]
    /// For each INTERVAL key column, each group's interval as the group's first row had it (a
    /// group holds equal intervals, `1 month` and `30 days`, and shows the first one, as DuckDB
    /// does); empty for other columns.
    var groupIntervals: [[Interval]]
    let accumulators: [Accumulator]
    /// For each aggregate, the accumulator whose sums it takes at the end instead of adding its
    /// own: a `sum(x)` beside an `avg(x)` over the same rows (TPC-H Q1 has two) sums once.
    /// Nil for the others.
    let sumSources: [Int?]
    private(set) var groupCount: Int

    /// `strings`: the numbering to share with the other workers' states (a state of its own
    /// when nil).
    init(groups: [BoundExpression], aggregates: [AggregateSpecification], strings: SharedStringInterner? = nil) {
        self.groups = groups
        self.aggregates = aggregates
        self.keyTypes = groups.map(\.type)
        self.accumulators = aggregates.map(Accumulator.init)
        self.sumSources = Self.sharedSums(aggregates)
        self.wholeDictionaries = groups.map { _ in DictionaryNumbering() }
        self.groupIntervals = groups.map { _ in [] }
        if groups.isEmpty {
            keys = .none
            // A global aggregate has its one group even over no rows.
            groupCount = 1
            for accumulator in accumulators { accumulator.resize(1) }
        } else if groups.count == 1, Self.isIntegerClass(groups[0].type) {
            keys = .integer(IntegerHashIndex())
            groupCount = 0
        } else {
            keys = .general(KeyTable(width: KeyEncoder.width(groups.count)), strings ?? SharedStringInterner(columns: groups.count))
            groupCount = 0
        }
    }

    /// For each aggregate, the `avg` of the same integer argument over the same rows whose sums
    /// it can take, when it is a plain `sum`.
    static func sharedSums(_ aggregates: [AggregateSpecification]) -> [Int?] {
        aggregates.map { aggregate in
            guard aggregate.function == .sum, !aggregate.distinct, aggregate.filter == nil,
                  let argument = aggregate.argument, isIntegerClass(argument.type)
            else { return nil }
            return aggregates.firstIndex { other in
                other.function == .avg && !other.distinct && other.filter == nil && other.argument == argument
            }
        }
    }

    /// Whether values of `type` are `.integers` in a vector.
    static func isIntegerClass(_ type: LogicalType) -> Bool {
        switch type.physicalType {
        case .boolean, .float64, .string, .interval: return false
        case .int8, .int16, .int32, .int64: return true
        }
    }

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
        // Few groups for the rows: each group's row count once, for every accumulator to add.
        var histogram: [Int64]?
        if groupCount * 4 <= count, accumulators.count > 1 {
            histogram = Self.histogram(groupNumbers, groupCount: groupCount)
        }
        for (index, accumulator) in accumulators.enumerated() where sumSources[index] == nil {
            let specification = aggregates[index]
            let argument = try specification.argument.map { (argument) throws(QueryError) -> Vector in try ExpressionEvaluator.evaluate(argument, chunk) }
            var included: [Bool]?
            if let filter = specification.filter {
                included = ExpressionEvaluator.trueFlags(try ExpressionEvaluator.evaluate(filter, chunk))
            }
            let second = try specification.secondArgument.map { (expression) throws(QueryError) in
                try ExpressionEvaluator.evaluate(expression, chunk)
            }
            var orderKeys: [Vector] = []
            for key in specification.orderBy { orderKeys.append(try ExpressionEvaluator.evaluate(key.expression, chunk)) }
            try accumulator.update(
                groups: groupNumbers, argument: argument, included: included, histogram: histogram,
                secondArgument: second, orderKeys: orderKeys)
        }
    }

    /// How many of `groups` (each below `groupCount`) are in each group. Consecutive rows count
    /// in different lanes, so that rows of one group do not each wait for the count before.
    static func histogram(_ groups: [Int32], groupCount: Int) -> [Int64] {
        let lanes = Accumulator.lanes, count = groups.count
        var partial = [Int64](repeating: 0, count: groupCount * lanes)
        partial.withUnsafeMutableBufferPointer { partial in
            groups.withUnsafeBufferPointer { groups in
                var row = 0
                while row &+ lanes <= count {
                    for lane in 0..<lanes { partial[lane &* groupCount &+ Int(groups[row &+ lane])] &+= 1 }
                    row &+= lanes
                }
                while row < count {
                    partial[Int(groups[row])] &+= 1
                    row &+= 1
                }
            }
        }
        return (0..<groupCount).map { group in (0..<lanes).reduce(0) { $0 + partial[$1 * groupCount + group] } }
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
    func assign(_ keyVectors: [Vector], count: Int) -> [Int32] {
        // Small key domains: hash each distinct key of the chunk once, then look rows up by code.
        if let (codes, domain) = denseCodes(keyVectors, count: count),
           let numbers = assignDense(keyVectors, codes, domain: domain) {
            return numbers
        }
        return assignHashed(keyVectors, count: count)
    }

    /// The group number of every row from its dense code (below `domain`): the first row of each
    /// code finds its group through the hash index, and every row then takes its code's group.
    /// Nil should a code lie outside the domain (the hashed path then numbers the rows).
    private func assignDense(_ keyVectors: [Vector], _ codes: [Int32], domain: Int) -> [Int32]? {
        let count = codes.count
        let inDomain = codes.withUnsafeBufferPointer { codes in
            var outside: UInt32 = 0
            for row in 0..<count { outside |= UInt32(bitPattern: codes[row]) >= UInt32(domain) ? 1 : 0 }
            return outside == 0
        }
        guard inDomain, domain <= Int(Int32.max) else { return nil }
        // `groupOf[code]`: first the code's position among the distinct codes, then its group.
        var groupOf = [Int32](repeating: -1, count: domain)
        var firstRows: [Int32] = []
        codes.withUnsafeBufferPointer { codes in
            groupOf.withUnsafeMutableBufferPointer { groupOf in
                for row in 0..<count where groupOf[Int(codes[row])] < 0 {
                    groupOf[Int(codes[row])] = Int32(firstRows.count)
                    firstRows.append(Int32(row))
                }
            }
        }
        // Group numbers of each distinct key, through the hash table.
        let distinctNumbers = assignHashed(keyVectors.map { $0.gather(firstRows) }, count: firstRows.count)
        for code in 0..<domain where groupOf[code] >= 0 { groupOf[code] = distinctNumbers[Int(groupOf[code])] }
        return codes.withUnsafeBufferPointer { codes in
            groupOf.withUnsafeBufferPointer { groupOf in
                [Int32](unsafeUninitializedCapacity: count) { numbers, initialized in
                    for row in 0..<count { numbers[row] = groupOf[Int(codes[row])] }
                    initialized = count
                }
            }
        }
    }

    /// The group number of every row through the hash index.
    private func assignHashed(_ keyVectors: [Vector], count: Int) -> [Int32] {
        var numbers = [Int32](repeating: 0, count: count)
        switch keys {
        case .none:
            break
        case .integer(let index):
            let vector = keyVectors[0]
            if case .integers(let values) = vector.data {
                values.withUnsafeBufferPointer { values in
                    numbers.withUnsafeMutableBufferPointer { numbers in
                        index.findOrInsert(UnsafeBufferPointer(rebasing: values[0..<count]), nulls: vector.nulls, into: numbers)
                    }
                }
                if vector.nulls != nil {
                    let nullGroup = index.findOrInsertNull()
                    for row in 0..<count where numbers[row] < 0 { numbers[row] = nullGroup }
                }
            }
        case .general(let table, let strings):
            // String columns become their strings' numbers first, each under its own column's
            // lock, or none once this worker has numbered the column's dictionary whole.
            // A column another worker is numbering whole is done after the others.
            var vectors = keyVectors
            var busy: [Int] = []
            for wait in [false, true] {
                for column in wait ? busy : vectors.indices.filter({ keyTypes[$0].physicalType == .string }) {
                    switch wholeDictionaries[column].numbers(vectors[column], count: count, strings: strings, column: column, wait: wait) {
                    case .numbered(let numbered):
                        vectors[column] = numbered
                    case .busy:
                        busy.append(column)
                    case .rowByRow:
                        let vector = vectors[column]
                        let values = strings.withLock(column) { KeyEncoder.stringNumbers(vector, count: count, interner: $0, insert: true) }
                        vectors[column] = Vector(type: .bigint, count: count, data: .integers(values), nulls: vector.nulls)
                    }
                }
            }
            // Interval columns become their intervals' numbers, under the column's lock.
            var intervalColumns: [(column: Int, values: [Interval])] = []
            for column in vectors.indices where keyTypes[column].physicalType == .interval {
                let vector = vectors[column]
                guard case .intervals(let values) = vector.data else { continue }
                intervalColumns.append((column, values))
                let numbers = strings.withIntervalsLocked(column) { $0.numbers(values, count: count, insert: true) }
                vectors[column] = Vector(type: .bigint, count: count, data: .integers(numbers), nulls: vector.nulls)
            }
            let words = KeyEncoder.encode(vectors, count: count, interner: nil, insert: true)
            let before = table.count
            words.withUnsafeBufferPointer { words in
                numbers.withUnsafeMutableBufferPointer { numbers in table.findOrInsert(words, rows: count, into: numbers) }
            }
            if !intervalColumns.isEmpty {
                // New groups are numbered in the order of their first rows.
                var next = before
                for row in 0..<count where Int(numbers[row]) == next {
                    for (column, values) in intervalColumns { groupIntervals[column].append(values[row]) }
                    next += 1
                }
            }
        }
        updateGroupCount()
        return numbers
    }

    func updateGroupCount() {
        switch keys {
        case .none: groupCount = 1
        case .integer(let index): groupCount = index.count
        case .general(let table, _): groupCount = table.count
        }
        for accumulator in accumulators { accumulator.resize(groupCount) }
    }

    /// The result rows: group keys, then aggregates (`threads` build them, `control` may stop it).
    func finish(types: [LogicalType], threads: Int = 1, control: QueryControl? = nil) throws(QueryError) -> Chunk {
        var columns = keyColumns(types: Array(types.prefix(groups.count)), parallel: threads > 1)
        for (index, accumulator) in accumulators.enumerated() {
            if let source = sumSources[index] {
                try accumulator.takeSums(of: accumulators[source], groupCount: groupCount)
            }
            columns.append(
                try accumulator.results(
                    count: groupCount, type: types[groups.count + index], control: control, threads: threads))
        }
        return Chunk(columns: columns, count: groupCount)
    }

    /// The group keys as columns, in group order.
    func keyColumns(types: [LogicalType], parallel: Bool) -> [Vector] {
        switch keys {
        case .none:
            return []
        case .integer(let index):
            var nulls: [Bool]?
            if index.nullNumber >= 0 {
                var flags = [Bool](repeating: false, count: index.count)
                flags[Int(index.nullNumber)] = true
                nulls = flags
            }
            return [Vector(type: types[0], count: index.count, data: .integers(index.keys), nulls: nulls)]
        case .general(let table, let strings):
            // String keys stay codes: each column's dictionary is every string it numbered.
            let keys = table.keys, width = table.width, count = table.count, groupIntervals = groupIntervals
            // Many groups: the columns (and their string copies) are built at once on the cores.
            return Vector.columns(types, rows: count, parallel: parallel) { column in
                keys.withUnsafeBufferPointer { words in
                    Self.keyColumn(
                        column, of: types, words: words, width: width, count: count,
                        intervals: groupIntervals[column]
                    ) {
                        strings.interner(column).storage()
                    }
                }
            }
        }
    }

    /// Key column `column` of `count` encoded keys of `width` words each (`types`: every key
    /// column's type), in one pass per column over the words; a string column's codes index
    /// `dictionary()`, its column's numbered strings; an interval column's values are
    /// `intervals`, one per group.
    private static func keyColumn(
        _ column: Int, of types: [LogicalType], words: UnsafeBufferPointer<Int64>, width: Int, count: Int,
        intervals: [Interval], dictionary: () -> StringStorage
    ) -> Vector {
        precondition(words.count >= width * count, "keys shorter than their groups")
        let nullWord = types.count + column / 64
        let nullBit = Int64(bitPattern: 1 << UInt64(column % 64))
        var nulls: [Bool]?
        if (0..<count).contains(where: { words[$0 * width + nullWord] & nullBit != 0 }) {
            nulls = [Bool](unsafeUninitializedCapacity: count) { buffer, initialized in
                for group in 0..<count { buffer[group] = words[group * width + nullWord] & nullBit != 0 }
                initialized = count
            }
        }
        func values<T>(_ convert: (Int64) -> T) -> [T] {
            [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                for group in 0..<count { buffer[group] = convert(words[group * width + column]) }
                initialized = count
            }
        }
        let type = types[column]
        let data: VectorData
        switch type.physicalType {
        case .boolean: data = .booleans(values { $0 != 0 })
        case .float64: data = .doubles(values { Double(bitPattern: UInt64(bitPattern: $0)) })
        case .string:
            // A NULL key's word is not a code.
            var codes = values { UInt32(truncatingIfNeeded: $0) }
            if let nulls { for group in 0..<count where nulls[group] { codes[group] = 0 } }
            data = .dictionary(codes: codes, dictionary: dictionary())
        case .interval:
            precondition(intervals.count >= count, "an interval key for every group")
            data = .intervals(Array(intervals.prefix(count)))
        case .int8, .int16, .int32, .int64: data = .integers(values { $0 })
        }
        return Vector(type: type, count: count, data: data, nulls: nulls)
    }

    /// Approximate bytes held.
    var byteCount: Int {
        let keyBytes: Int
        switch keys {
        case .none: keyBytes = 0
        case .integer(let index): keyBytes = index.byteCount
        case .general(let table, _): keyBytes = table.byteCount
        }
        let intervalBytes = groupIntervals.reduce(0) { $0 + $1.capacity * 16 }
        return keyBytes + accumulators.reduce(0) { $0 + $1.byteCount } + intervalBytes
    }
}
