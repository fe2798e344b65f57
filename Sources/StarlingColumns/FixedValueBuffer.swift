/// Growable memory of fixed-width values at their physical width, for column builders.

/// Values of one width (1, 2, 4, 8 or 16 bytes) appended at the end, growing by doubling. Owned by
/// one builder; builders copy it before writing when it is shared (copy on write).
final class FixedValueBuffer {
    private(set) var pointer: UnsafeMutableRawPointer
    /// Capacity, in values.
    private(set) var capacity: Int
    /// Bytes per value.
    let width: Int
    /// Values stored.
    var count = 0

    init(width: Int, capacity: Int) {
        self.width = width
        self.capacity = max(capacity, 16)
        pointer = UnsafeMutableRawPointer.allocate(byteCount: self.capacity * width, alignment: ByteStorage.alignment)
    }

    deinit {
        pointer.deallocate()
    }

    /// Makes room for `total` values.
    @inline(__always)
    func reserve(_ total: Int) {
        guard total > capacity else { return }
        let newCapacity = max(total, capacity * 2)
        let newPointer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity * width, alignment: ByteStorage.alignment)
        newPointer.copyMemory(from: pointer, byteCount: count * width)
        pointer.deallocate()
        pointer = newPointer
        capacity = newCapacity
    }

    /// A separate copy.
    func copy() -> FixedValueBuffer {
        let other = FixedValueBuffer(width: width, capacity: capacity)
        other.pointer.copyMemory(from: pointer, byteCount: count * width)
        other.count = count
        return other
    }

    /// Stores `value` (already in range) at the end, at this buffer's width.
    @inline(__always)
    func append(_ value: Int64) {
        reserve(count + 1)
        store(value, at: count)
        count += 1
    }

    @inline(__always)
    func store(_ value: Int64, at index: Int) {
        switch width {
        case 1: pointer.storeBytes(of: UInt8(truncatingIfNeeded: value), toByteOffset: index, as: UInt8.self)
        case 2: pointer.storeBytes(of: Int16(truncatingIfNeeded: value), toByteOffset: index * 2, as: Int16.self)
        case 4: pointer.storeBytes(of: Int32(truncatingIfNeeded: value), toByteOffset: index * 4, as: Int32.self)
        case 16:
            // An INTERVAL of `value` microseconds (NULL rows store 0).
            pointer.storeBytes(of: 0, toByteOffset: index * 16, as: Int64.self)
            pointer.storeBytes(of: value, toByteOffset: index * 16 + 8, as: Int64.self)
        default: pointer.storeBytes(of: value, toByteOffset: index * 8, as: Int64.self)
        }
    }

    /// Stores an INTERVAL (a buffer of width 16) at the end, in ``Interval``'s layout.
    func append(interval: Interval) {
        precondition(width == 16, "interval into a buffer of width \(width)")
        reserve(count + 1)
        pointer.storeBytes(of: interval.months, toByteOffset: count * 16, as: Int32.self)
        pointer.storeBytes(of: interval.days, toByteOffset: count * 16 + 4, as: Int32.self)
        pointer.storeBytes(of: interval.micros, toByteOffset: count * 16 + 8, as: Int64.self)
        count += 1
    }

    /// Appends `values[row]` for each row (0 where `nulls` is set, when given), narrowing once per
    /// call rather than per value.
    func appendGathered(_ values: UnsafeBufferPointer<Int64>, rows: UnsafeBufferPointer<Int32>, nulls: UnsafeBufferPointer<Bool>?) {
        reserve(count + rows.count)
        func gather<T: FixedWidthInteger>(_ type: T.Type) {
            let output = (pointer + count * MemoryLayout<T>.stride).assumingMemoryBound(to: T.self)
            if let nulls {
                for (index, row) in rows.enumerated() {
                    output[index] = nulls[Int(row)] ? 0 : T(truncatingIfNeeded: values[Int(row)])
                }
            } else {
                for (index, row) in rows.enumerated() {
                    output[index] = T(truncatingIfNeeded: values[Int(row)])
                }
            }
        }
        switch width {
        case 1: gather(UInt8.self)
        case 2: gather(Int16.self)
        case 4: gather(Int32.self)
        default: gather(Int64.self)
        }
        count += rows.count
    }

    /// Appends every one of `values` (0 where `nulls` says NULL), narrowed to this buffer's width
    /// in one contiguous pass the compiler vectorises.
    func appendAll(_ values: UnsafeBufferPointer<Int64>, nulls: UnsafeBufferPointer<Bool>?) {
        precondition(nulls == nil || nulls?.count == values.count, "one NULL flag per value")
        reserve(count + values.count)
        func copy<T: FixedWidthInteger>(_ type: T.Type) {
            let output = (pointer + count * MemoryLayout<T>.stride).assumingMemoryBound(to: T.self)
            if let nulls {
                for index in 0..<values.count { output[index] = nulls[index] ? 0 : T(truncatingIfNeeded: values[index]) }
            } else {
                for index in 0..<values.count { output[index] = T(truncatingIfNeeded: values[index]) }
            }
        }
        switch width {
        case 1: copy(UInt8.self)
        case 2: copy(Int16.self)
        case 4: copy(Int32.self)
        default: copy(Int64.self)
        }
        count += values.count
    }

    /// The values as an exactly sized ``ByteStorage``.
    func storage() -> ByteStorage {
        ByteStorage(copying: UnsafeRawBufferPointer(start: pointer, count: count * width))
    }

    /// The values as storage, handing over this buffer's memory (no copy); the buffer is left
    /// empty, with new memory of its own.
    func takeStorage() -> ByteStorage {
        let storage = ByteStorage(adopting: pointer, byteCount: count * width)
        capacity = 16
        pointer = UnsafeMutableRawPointer.allocate(byteCount: capacity * width, alignment: ByteStorage.alignment)
        count = 0
        return storage
    }
}
