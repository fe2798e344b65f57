/// The executor's column of values: integers widened to 64 bits, so kernels handle five shapes.

import StarlingColumns

/// The values of one column for the rows of a ``Chunk``.
///
/// Stored vectors arrive in their physical width; the scan widens every integer-like type
/// (TINYINT to BIGINT, DECIMAL, DATE, TIMESTAMP) to `Int64` once, so each kernel needs one loop
/// per shape: integers, doubles, booleans, strings (plain or dictionary codes), and the
/// intervals queries compute. Values in NULL rows are unspecified but always valid (a NULL
/// string is a valid index).
public struct Vector: Sendable {
    public let type: LogicalType
    public let count: Int
    public let data: VectorData
    /// `nulls[i]` is true when row `i` is NULL; `nil` when no row is.
    public let nulls: [Bool]?
    /// For `.integers`: a range holding every row's value, NULL rows included, known without
    /// reading the values (from the encoding the scan decoded them from, or by interval
    /// arithmetic over such ranges); nil when unknown. Kernels use it to prove that no row can
    /// overflow, and then leave out the per-row checks.
    public let bounds: ClosedRange<Int64>?

    public init(type: LogicalType, count: Int, data: VectorData, nulls: [Bool]?, bounds: ClosedRange<Int64>? = nil) {
        self.type = type
        self.count = count
        self.data = data
        self.nulls = nulls.flatMap { $0.contains(true) ? $0 : nil }
        if case .integers = data { self.bounds = bounds } else { self.bounds = nil }
    }

    /// Whether row `index` is NULL.
    @inline(__always)
    public func isNull(_ index: Int) -> Bool {
        nulls?[index] ?? false
    }

    /// Row `index` as a ``Value`` (for results, constants and slow paths).
    public func value(at index: Int) -> Value {
        if isNull(index) { return .null }
        switch data {
        case .integers(let values): return .integer(values[index])
        case .doubles(let values): return .double(values[index])
        case .booleans(let values): return .boolean(values[index])
        case .strings(let strings): return .string(strings.string(at: index))
        case .dictionary(let codes, let dictionary): return .string(dictionary.string(at: Int(codes[index])))
        case .intervals(let values): return .interval(values[index])
        }
    }

    /// The UTF-8 bytes of string row `index`.
    @inline(__always)
    public func stringBytes(at index: Int) -> UnsafeRawBufferPointer {
        switch data {
        case .strings(let strings): return strings.bytes(at: index)
        case .dictionary(let codes, let dictionary): return dictionary.bytes(at: Int(codes[index]))
        default: preconditionFailure("stringBytes on a \(type) vector")
        }
    }

    /// A vector of `count` copies of `value` (NULL gives an all-NULL vector).
    public init(constant value: Value, type: LogicalType, count: Int) {
        let nulls: [Bool]? = value.isNull && count > 0 ? [Bool](repeating: true, count: count) : nil
        switch type.physicalType {
        case .boolean:
            var flag = false
            if case .boolean(let given) = value { flag = given }
            self.init(type: type, count: count, data: .booleans([Bool](repeating: flag, count: count)), nulls: nulls)
        case .float64:
            var number = 0.0
            if case .double(let given) = value { number = given } else if case .integer(let given) = value { number = Double(given) }
            self.init(type: type, count: count, data: .doubles([Double](repeating: number, count: count)), nulls: nulls)
        case .string:
            var text = ""
            if case .string(let given) = value { text = given }
            let codes = [UInt32](repeating: 0, count: count)
            self.init(type: type, count: count, data: .dictionary(codes: codes, dictionary: StringStorage([text])), nulls: nulls)
        case .interval:
            var interval = Interval.zero
            if case .interval(let given) = value { interval = given }
            self.init(type: type, count: count, data: .intervals([Interval](repeating: interval, count: count)), nulls: nulls)
        case .int8, .int16, .int32, .int64:
            var integer: Int64 = 0
            if case .integer(let given) = value { integer = given } else if case .boolean(let given) = value { integer = given ? 1 : 0 }
            self.init(type: type, count: count, data: .integers([Int64](repeating: integer, count: count)), nulls: nulls)
        }
    }

    /// A vector holding `values` (for tests, constants and small results).
    public init(type: LogicalType, values: [Value]) {
        let nulls = values.map(\.isNull)
        let count = values.count
        switch type.physicalType {
        case .boolean:
            self.init(type: type, count: count, data: .booleans(values.map { if case .boolean(let flag) = $0 { return flag }; return false }), nulls: nulls)
        case .float64:
            self.init(type: type, count: count, data: .doubles(values.map {
                if case .double(let number) = $0 { return number }
                if case .integer(let number) = $0 { return Double(number) }
                return 0
            }), nulls: nulls)
        case .string:
            self.init(type: type, count: count, data: .strings(StringStorage(values.map { if case .string(let text) = $0 { return text }; return "" })), nulls: nulls)
        case .interval:
            self.init(type: type, count: count, data: .intervals(values.map { if case .interval(let interval) = $0 { return interval }; return .zero }), nulls: nulls)
        case .int8, .int16, .int32, .int64:
            self.init(type: type, count: count, data: .integers(values.map {
                if case .integer(let number) = $0 { return number }
                if case .boolean(let flag) = $0 { return flag ? 1 : 0 }
                return 0
            }), nulls: nulls)
        }
    }

    /// The same values under another logical type of the same shape (DATE as INTEGER days, …).
    public func retyped(_ newType: LogicalType) -> Vector {
        Vector(type: newType, count: count, data: data, nulls: nulls, bounds: bounds)
    }

    /// The same values with these NULLs.
    public func withNulls(_ newNulls: [Bool]?) -> Vector {
        Vector(type: type, count: count, data: data, nulls: newNulls, bounds: bounds)
    }
}

/// How a ``Vector`` holds its values.
public enum VectorData: Sendable {
    /// Every integer-like type: TINYINT…BIGINT, DECIMAL (unscaled), DATE (days), TIMESTAMP (µs).
    case integers([Int64])
    case doubles([Double])
    case booleans([Bool])
    /// Strings as offsets and bytes.
    case strings(StringStorage)
    /// Strings as codes into a dictionary (as stored on disk, or a broadcast constant).
    case dictionary(codes: [UInt32], dictionary: StringStorage)
    /// INTERVALs (never stored: computed by the query).
    case intervals([Interval])
}
