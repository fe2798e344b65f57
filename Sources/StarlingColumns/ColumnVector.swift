/// A column of values in memory: the unit every kernel works on.

/// The values of one column for a run of rows, with an optional validity bitmap.
///
/// Storage is chosen by physical type, once per vector:
/// - fixed-width types keep `count` values back to back in one ``ByteStorage``
///   (booleans as one byte each, 0 or 1);
/// - strings keep offsets and bytes (``StringStorage``), or dictionary codes into a small
///   ``StringStorage`` when that is how they were stored on disk, so filters can run on codes.
///
/// Values in NULL rows are unspecified (but always in bounds: a NULL string is a valid index).
public struct ColumnVector: Sendable {
    /// How the values are held.
    public enum Payload: Sendable {
        /// `count` fixed-width values of the type's physical width.
        case fixed(ByteStorage)
        /// `count` strings.
        case strings(StringStorage)
        /// `count` `UInt32` codes, each an index into `dictionary`.
        case dictionary(codes: ByteStorage, dictionary: StringStorage)
    }

    /// The SQL type.
    public let type: LogicalType
    /// The number of rows.
    public let count: Int
    /// The values.
    public let payload: Payload
    /// Which rows hold values; `nil` when every row does.
    public let validity: ValidityBitmap?

    /// Wraps a payload. Decoders and builders check the payload matches the type and count.
    public init(type: LogicalType, count: Int, payload: Payload, validity: ValidityBitmap?) {
        precondition(validity == nil || validity?.count == count, "validity count mismatch")
        self.type = type
        self.count = count
        self.payload = payload
        self.validity = validity
    }

    /// Whether row `index` is NULL.
    @inlinable
    public func isNull(_ index: Int) -> Bool {
        guard let validity else { return false }
        return !validity.isValid(index)
    }

    /// The number of NULL rows.
    public var nullCount: Int { validity?.nullCount ?? 0 }

    /// Runs `body` over the fixed-width values viewed as `T`.
    ///
    /// - Precondition: the payload is fixed-width and `T`'s size is the physical width.
    @inlinable
    public func withValues<T, R>(_ type: T.Type, _ body: (UnsafeBufferPointer<T>) throws -> R) rethrows -> R {
        guard case .fixed(let storage) = payload else {
            preconditionFailure("withValues on a string vector")
        }
        precondition(MemoryLayout<T>.stride == self.type.physicalType.byteWidth, "value type width mismatch")
        return try body(UnsafeBufferPointer(storage.typed(T.self, count: count)))
    }

    /// Row `index` as a ``Value`` (slow: for tests, statistics and printing).
    public func value(at index: Int) -> Value {
        precondition(index >= 0 && index < count, "row index out of range")
        if isNull(index) { return .null }
        switch payload {
        case .fixed(let storage):
            let base = UnsafeRawPointer(storage.baseAddress)
            switch type.physicalType {
            case .boolean: return .boolean(base.load(fromByteOffset: index, as: UInt8.self) != 0)
            case .int8: return .integer(Int64(base.load(fromByteOffset: index, as: Int8.self)))
            case .int16: return .integer(Int64(base.load(fromByteOffset: index * 2, as: Int16.self)))
            case .int32: return .integer(Int64(base.load(fromByteOffset: index * 4, as: Int32.self)))
            case .int64: return .integer(base.load(fromByteOffset: index * 8, as: Int64.self))
            case .float64: return .double(base.load(fromByteOffset: index * 8, as: Double.self))
            case .interval:
                return .interval(
                    Interval(
                        months: base.load(fromByteOffset: index * 16, as: Int32.self),
                        days: base.load(fromByteOffset: index * 16 + 4, as: Int32.self),
                        micros: base.load(fromByteOffset: index * 16 + 8, as: Int64.self)))
            case .string: preconditionFailure("string type with fixed payload")
            }
        case .strings(let strings):
            return .string(strings.string(at: index))
        case .dictionary(let codes, let dictionary):
            let code = codes.baseAddress.load(fromByteOffset: index * 4, as: UInt32.self)
            return .string(dictionary.string(at: Int(code)))
        }
    }

    /// The bytes the values take plainly: the physical width times the count for fixed-width
    /// types; offsets and text for strings (a dictionary's codes counted as 4 bytes a row, the
    /// dictionary's text once). Validity bitmaps are not counted.
    public var plainByteCount: Int {
        switch payload {
        case .fixed: return count * (type.physicalType.byteWidth ?? 8)
        case .strings(let strings): return strings.byteCount + 4 * (count + 1)
        case .dictionary(_, let dictionary): return 4 * count + dictionary.byteCount + 4 * (dictionary.count + 1)
        }
    }

    /// Every row as a ``Value``.
    public var values: [Value] {
        (0..<count).map { value(at: $0) }
    }

    /// The raw bytes of string row `index`, whether stored plainly or as a dictionary code.
    @inlinable
    public func stringBytes(at index: Int) -> UnsafeRawBufferPointer {
        switch payload {
        case .strings(let strings):
            return strings.bytes(at: index)
        case .dictionary(let codes, let dictionary):
            precondition(index >= 0 && index < count, "row index out of range")
            let code = codes.baseAddress.load(fromByteOffset: index * 4, as: UInt32.self)
            return dictionary.bytes(at: Int(code))
        case .fixed:
            preconditionFailure("stringBytes on a fixed-width vector")
        }
    }
}
