/// Builds a ``ColumnVector`` one value at a time.

/// Accumulates values of one type and produces a vector.
///
/// Fixed-width values go straight into a growing `[Int64]`/`[Double]` staging array and are
/// narrowed once at the end, so appending allocates nothing per value.
public struct ColumnVectorBuilder {
    /// The type being built.
    public let type: LogicalType
    private var integers: [Int64] = []
    private var doubles: [Double] = []
    private var strings = StringStorageBuilder()
    private var nullRows: [Int] = []
    /// The number of rows appended.
    public private(set) var count = 0

    public init(type: LogicalType, reservingCapacity capacity: Int = 0) {
        self.type = type
        switch type.physicalType {
        case .float64: doubles.reserveCapacity(capacity)
        case .string: break
        default: integers.reserveCapacity(capacity)
        }
    }

    /// Appends `rows.count` values gathered from `values` (integers, or double bit patterns for
    /// DOUBLE columns) at the given rows, NULL where `nulls` says so. The values must fit the type;
    /// callers convert and range-check them first.
    public mutating func appendGathered(values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<Bool>, rows: UnsafeBufferPointer<Int32>) {
        precondition(type.physicalType != .string, "strings are appended one by one")
        let isDouble = type.physicalType == .float64
        // Grow geometrically: reserving the exact size on every call would copy every time.
        let needed = count + rows.count
        if isDouble, doubles.capacity < needed { doubles.reserveCapacity(max(needed, doubles.capacity * 2)) }
        if !isDouble, integers.capacity < needed { integers.reserveCapacity(max(needed, integers.capacity * 2)) }
        if !isDouble, !rows.contains(where: { nulls[Int($0)] }) {
            integers.append(contentsOf: rows.lazy.map { values[Int($0)] })
            count += rows.count
            return
        }
        for row in rows {
            let index = Int(row)
            if nulls[index] {
                nullRows.append(count)
                if isDouble { doubles.append(0) } else { integers.append(0) }
            } else if isDouble {
                doubles.append(Double(bitPattern: UInt64(bitPattern: values[index])))
            } else {
                integers.append(values[index])
            }
            count += 1
        }
    }

    /// Appends a NULL.
    public mutating func appendNull() {
        nullRows.append(count)
        switch type.physicalType {
        case .float64: doubles.append(0)
        case .string: strings.append(bytes: UnsafeRawBufferPointer(start: nil, count: 0))
        default: integers.append(0)
        }
        count += 1
    }

    /// Appends an integer-like value (also DECIMAL unscaled, DATE days, TIMESTAMP micros, BOOLEAN 0/1).
    ///
    /// - Precondition: the value fits the physical type.
    public mutating func append(integer value: Int64) {
        guard let range = type.physicalType.integerRange else { preconditionFailure("integer into \(type)") }
        precondition(range.contains(value), "\(value) out of range for \(type)")
        integers.append(value)
        count += 1
    }

    /// Appends a DOUBLE.
    public mutating func append(double value: Double) {
        precondition(type.physicalType == .float64, "double into \(type)")
        doubles.append(value)
        count += 1
    }

    /// Appends a VARCHAR given as UTF-8 bytes.
    public mutating func append(stringBytes bytes: UnsafeRawBufferPointer) {
        precondition(type.physicalType == .string, "string into \(type)")
        strings.append(bytes: bytes)
        count += 1
    }

    /// Appends a VARCHAR.
    public mutating func append(string value: String) {
        precondition(type.physicalType == .string, "string into \(type)")
        strings.append(value)
        count += 1
    }

    /// Appends any ``Value`` of a matching kind.
    public mutating func append(_ value: Value) {
        switch value {
        case .null: appendNull()
        case .boolean(let flag): append(integer: flag ? 1 : 0)
        case .integer(let integer): append(integer: integer)
        case .double(let double): append(double: double)
        case .string(let string): append(string: string)
        }
    }

    /// Produces the vector.
    public func finish() -> ColumnVector {
        var validity: ValidityBitmap?
        if !nullRows.isEmpty {
            let bitmap = ValidityBitmap(allValid: count)
            for row in nullRows { bitmap.set(row, valid: false) }
            validity = bitmap
        }
        let payload: ColumnVector.Payload
        switch type.physicalType {
        case .string:
            payload = .strings(strings.finish())
        case .float64:
            payload = .fixed(doubles.withUnsafeBytes { ByteStorage(copying: $0) })
        case .int64:
            payload = .fixed(integers.withUnsafeBytes { ByteStorage(copying: $0) })
        case .int32:
            payload = .fixed(Self.narrow(integers, to: Int32.self))
        case .int16:
            payload = .fixed(Self.narrow(integers, to: Int16.self))
        case .int8:
            payload = .fixed(Self.narrow(integers, to: Int8.self))
        case .boolean:
            payload = .fixed(Self.narrow(integers, to: UInt8.self))
        }
        return ColumnVector(type: type, count: count, payload: payload, validity: validity)
    }

    private static func narrow<T: FixedWidthInteger>(_ values: [Int64], to: T.Type) -> ByteStorage {
        let storage = ByteStorage(capacity: values.count, of: T.self)
        let typed = storage.typed(T.self, count: values.count)
        for index in values.indices { typed[index] = T(truncatingIfNeeded: values[index]) }
        return storage
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
