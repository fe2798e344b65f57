/// Builds a ``ColumnVector`` one value at a time.

/// Accumulates values of one type and produces a vector.
///
/// Fixed-width values go straight into growing memory at their physical width (DOUBLE as its bit
/// pattern), so appending allocates nothing per value and nothing is narrowed at the end.
public struct ColumnVectorBuilder {
    /// The type being built.
    public let type: LogicalType
    private var fixed: FixedValueBuffer
    private var strings = StringStorageBuilder()
    /// Strings as numbers into their distinct values, while there are few (see `init`).
    private var dictionary: StringDictionaryBuilder?
    private var nullRows: [Int] = []
    private let range: ClosedRange<Int64>?
    /// The number of rows appended.
    public private(set) var count = 0

    /// A builder for `type` with room for `capacity` values. With a `dictionaryLimit`, a VARCHAR
    /// builder keeps each string as the number of its entry among the distinct strings (and
    /// produces a dictionary vector) until more than that many distinct strings arrive, then
    /// goes on plainly: a low-cardinality column costs 4 bytes a row and one hash lookup instead
    /// of a copy of its bytes, and its vector is numbered already for the segment writer.
    public init(type: LogicalType, reservingCapacity capacity: Int = 0, dictionaryLimit: Int = 0) {
        self.type = type
        range = type.physicalType.integerRange
        fixed = FixedValueBuffer(width: type.physicalType.byteWidth ?? 1, capacity: type.physicalType == .string ? 0 : capacity)
        if type.physicalType == .string, dictionaryLimit > 0 {
            dictionary = StringDictionaryBuilder(limit: dictionaryLimit, capacity: capacity)
        }
    }

    /// Whether strings are still kept as dictionary numbers.
    public var isDictionaryCoded: Bool { dictionary != nil }

    /// Copies the value memory before writing when another builder copy shares it.
    @inline(__always)
    private mutating func makeUnique() {
        if !isKnownUniquelyReferenced(&fixed) { fixed = fixed.copy() }
    }

    /// Appends `rows.count` values gathered from `values` (integers, or double bit patterns for
    /// DOUBLE columns) at the given rows, NULL where `nulls` says so. The values must fit the type;
    /// callers convert and range-check them first.
    public mutating func appendGathered(values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<Bool>, rows: UnsafeBufferPointer<Int32>) {
        precondition(type.physicalType != .string && type.physicalType != .interval, "appended one by one")
        makeUnique()
        let hasNulls = rows.contains { nulls[Int($0)] }
        if hasNulls {
            for (offset, row) in rows.enumerated() where nulls[Int(row)] { nullRows.append(count + offset) }
        }
        fixed.appendGathered(values, rows: rows, nulls: hasNulls ? nulls : nil)
        count += rows.count
    }

    /// Appends every one of `values` (integers, or double bit patterns for DOUBLE columns), NULL
    /// where `nulls` says so: ``appendGathered(values:nulls:rows:)`` for all rows in order, as
    /// one contiguous copy.
    public mutating func append(values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<Bool>) {
        precondition(type.physicalType != .string && type.physicalType != .interval, "appended one by one")
        precondition(nulls.count == values.count, "one NULL flag per value")
        makeUnique()
        let hasNulls = nulls.contains(true)
        if hasNulls {
            for (offset, isNull) in nulls.enumerated() where isNull { nullRows.append(count + offset) }
        }
        fixed.appendAll(values, nulls: hasNulls ? nulls : nil)
        count += values.count
    }

    /// Appends a NULL.
    public mutating func appendNull() {
        nullRows.append(count)
        if type.physicalType == .string {
            appendStringBytes(UnsafeRawBufferPointer(start: nil, count: 0))
        } else {
            makeUnique()
            fixed.append(0)
        }
        count += 1
    }

    /// Appends an integer-like value (also DECIMAL unscaled, DATE days, TIMESTAMP micros, BOOLEAN 0/1).
    ///
    /// - Precondition: the value fits the physical type.
    public mutating func append(integer value: Int64) {
        guard let range else { preconditionFailure("integer into \(type)") }
        precondition(range.contains(value), "\(value) out of range for \(type)")
        makeUnique()
        fixed.append(value)
        count += 1
    }

    /// Appends a DOUBLE.
    public mutating func append(double value: Double) {
        precondition(type.physicalType == .float64, "double into \(type)")
        makeUnique()
        fixed.append(Int64(bitPattern: value.bitPattern))
        count += 1
    }

    /// Appends an INTERVAL.
    public mutating func append(interval value: Interval) {
        precondition(type.physicalType == .interval, "interval into \(type)")
        makeUnique()
        fixed.append(interval: value)
        count += 1
    }

    /// Appends a VARCHAR given as UTF-8 bytes.
    public mutating func append(stringBytes bytes: UnsafeRawBufferPointer) {
        precondition(type.physicalType == .string, "string into \(type)")
        appendStringBytes(bytes)
        count += 1
    }

    /// Appends a VARCHAR.
    public mutating func append(string value: String) {
        precondition(type.physicalType == .string, "string into \(type)")
        var copy = value
        copy.withUTF8 { appendStringBytes(UnsafeRawBufferPointer($0)) }
        count += 1
    }

    /// Appends string bytes as a number while the dictionary takes them, else plainly (turning
    /// the numbers so far into plain strings first when the dictionary has just filled up).
    @inline(__always)
    private mutating func appendStringBytes(_ bytes: UnsafeRawBufferPointer) {
        if dictionary != nil {
            if dictionary?.append(bytes) == true { return }
            if let full = dictionary { strings = full.plainStrings() }
            dictionary = nil
        }
        strings.append(bytes: bytes)
    }

    /// Appends any ``Value`` of a matching kind.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .boolean(let flag): append(integer: flag ? 1 : 0)
        case .integer(let integer): append(integer: integer)
        case .double(let double): append(double: double)
        case .string(let string): append(string: string)
        case .interval(let interval): append(interval: interval)
        }
    }

    /// Produces the vector.
    public func finish() -> ColumnVector {
        let payload: ColumnVector.Payload
        if let dictionary {
            payload = .dictionary(codes: dictionary.codes.storage(), dictionary: dictionary.entries.finish())
        } else {
            payload = type.physicalType == .string ? .strings(strings.finish()) : .fixed(fixed.storage())
        }
        return ColumnVector(type: type, count: count, payload: payload, validity: validity())
    }

    /// Produces the vector and empties the builder, handing fixed-width values' memory over to
    /// the vector instead of copying it when no other copy of this builder shares it (a builder
    /// of a million rows is megabytes that need not be copied to fresh pages).
    public mutating func take() -> ColumnVector {
        if dictionary != nil {
            // The numbers' memory is handed over when no copy of this builder shares it.
            dictionary?.makeUnique()
            guard let full = dictionary else { preconditionFailure("checked above") }
            let vector = ColumnVector(type: type, count: count, payload: .dictionary(codes: full.codes.takeStorage(), dictionary: full.entries.finish()),
                                      validity: validity())
            self = ColumnVectorBuilder(type: type, dictionaryLimit: full.limit)
            return vector
        }
        guard type.physicalType != .string, isKnownUniquelyReferenced(&fixed) else {
            let vector = finish()
            self = ColumnVectorBuilder(type: type)
            return vector
        }
        let vector = ColumnVector(type: type, count: count, payload: .fixed(fixed.takeStorage()), validity: validity())
        self = ColumnVectorBuilder(type: type)
        return vector
    }

    /// The NULL rows as a bitmap, or nil when there are none.
    private func validity() -> ValidityBitmap? {
        guard !nullRows.isEmpty else { return nil }
        let bitmap = ValidityBitmap(allValid: count)
        for row in nullRows { bitmap.set(row, valid: false) }
        return bitmap
    }
}

extension ColumnVector {
    /// A vector of `type` holding `values` (for tests and literals).
    public init(type: LogicalType, values: [Value]) {
        var builder = ColumnVectorBuilder(type: type, reservingCapacity: values.count)
        for value in values { builder.append(value) }
        self = builder.finish()
    }
}
