/// A fixed-width vector's values widened to 64 bits.

extension ColumnVector {
    /// Every row's value as an `Int64`: integers, dates, timestamps and decimals widened,
    /// booleans 0 or 1, doubles as their bit patterns. Values of NULL rows are whatever is stored.
    ///
    /// - Precondition: the vector is fixed-width and not an INTERVAL.
    public var widenedValues: [Int64] {
        switch type.physicalType {
        case .boolean: return withValues(UInt8.self) { $0.map { $0 != 0 ? 1 : 0 } }
        case .int8: return withValues(Int8.self) { $0.map(Int64.init) }
        case .int16: return withValues(Int16.self) { $0.map(Int64.init) }
        case .int32: return withValues(Int32.self) { $0.map(Int64.init) }
        case .int64, .float64: return withValues(Int64.self) { Array($0) }
        case .string: preconditionFailure("strings are not fixed-width")
        case .interval: preconditionFailure("intervals do not widen to 64 bits (nor are they stored)")
        }
    }
}

extension ColumnVector {
    /// The values of `rows` widened to `Int64` as ``widenedValues`` widens them, read straight
    /// from this vector's storage (no sliced or reordered copy first).
    ///
    /// - Precondition: the vector is fixed-width and not an INTERVAL, and every row lies inside it (checked once).
    public func widenedValues(_ rows: ChunkRows) -> [Int64] {
        switch type.physicalType {
        case .boolean: return withValues(UInt8.self) { rows.gather($0) { $0 != 0 ? 1 : 0 } }
        case .int8: return withValues(Int8.self) { rows.gather($0, Int64.init) }
        case .int16: return withValues(Int16.self) { rows.gather($0, Int64.init) }
        case .int32: return withValues(Int32.self) { rows.gather($0, Int64.init) }
        case .int64, .float64: return withValues(Int64.self) { rows.gather($0) { $0 } }
        case .string: preconditionFailure("strings are not fixed-width")
        case .interval: preconditionFailure("intervals do not widen to 64 bits (nor are they stored)")
        }
    }
}
