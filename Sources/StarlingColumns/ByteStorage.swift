/// Owned, aligned, fixed-size raw memory: the backing store of every column vector.

/// A block of raw memory owned by one object and freed when the last reference goes away.
///
/// The memory is 64-byte aligned (a cache line, and wide enough for any SIMD register) and
/// zero-initialised (except where a file read or copy overwrites every byte). The class is immutable in its identity; the bytes may be written by the code
/// that created it before the storage is shared, and are read-only after that by convention.
public final class ByteStorage: @unchecked Sendable {
    /// The first byte.
    public let baseAddress: UnsafeMutableRawPointer
    /// The number of usable bytes.
    public let byteCount: Int

    /// The alignment of every allocation.
    public static let alignment = 64

    /// How the memory is given back.
    private enum Owner {
        case heap
        /// A file mapping of this many bytes, guarded in this slot of `CMappingGuard` (-1: not
        /// guarded, every slot taken).
        case mapping(Int, guardSlot: Int32)
    }
    private let owner: Owner

    /// Allocates `byteCount` bytes, zeroed unless the caller is about to overwrite every one
    /// (`zeroed: false`, for file reads and copies).
    public init(byteCount: Int, zeroed: Bool = true) {
        precondition(byteCount >= 0, "negative allocation size")
        self.byteCount = byteCount
        // Allocate at least one byte so the pointer is always valid and unique.
        let allocationSize = max(byteCount, 1)
        baseAddress = UnsafeMutableRawPointer.allocate(byteCount: allocationSize, alignment: ByteStorage.alignment)
        owner = .heap
        if zeroed {
            baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: allocationSize)
        } else {
            baseAddress.initializeMemory(as: UInt8.self, repeating: 0, count: allocationSize - byteCount)
        }
    }

    /// Allocates storage holding a copy of `bytes`.
    public convenience init(copying bytes: UnsafeRawBufferPointer) {
        self.init(byteCount: bytes.count, zeroed: false)
        if let source = bytes.baseAddress, bytes.count > 0 {
            baseAddress.copyMemory(from: source, byteCount: bytes.count)
        }
    }

    /// Allocates storage for `count` values of `T`.
    public convenience init<T>(capacity count: Int, of type: T.Type) {
        self.init(byteCount: count * MemoryLayout<T>.stride)
    }

    /// Takes ownership of heap memory allocated with `UnsafeMutableRawPointer.allocate` at
    /// ``alignment`` (at least `byteCount` bytes, all of them written), freed with the storage.
    public init(adopting address: UnsafeMutableRawPointer, byteCount: Int) {
        baseAddress = address
        self.byteCount = byteCount
        owner = .heap
    }

    /// Takes ownership of a private file mapping of `byteCount` bytes (page-aligned), unmapped
    /// when the storage goes away. The mapping is guarded: reading a page its file no longer has
    /// (the file was truncated) reads zeros instead of killing the process with SIGBUS, and sets
    /// ``fileWasTruncated``, which readers check before trusting what they read.
    public init(mapping address: UnsafeMutableRawPointer, byteCount: Int) {
        baseAddress = address
        self.byteCount = byteCount
        owner = .mapping(byteCount, guardSlot: starling_guard_register(address, byteCount))
    }

    deinit {
        switch owner {
        case .heap: baseAddress.deallocate()
        case .mapping(let length, let slot):
            starling_guard_unregister(slot)
            munmap(baseAddress, length)
        }
    }

    /// Whether a read of this file mapping found the file truncated below it (the bytes read
    /// there were zeros, not the file's). Always false for memory that is not a mapping.
    public var fileWasTruncated: Bool {
        if case .mapping(_, let slot) = owner { return starling_guard_faulted(slot) != 0 }
        return false
    }

    /// The bytes as UTF-8 text (invalid sequences replaced). Safe where `String(decoding:
    /// storage.bytes, …)` is not: the storage stays alive while its bytes are read.
    public func decodedText() -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    /// The bytes, read-only. The pointer is valid only while the storage is alive: keep a
    /// reference (or use `withExtendedLifetime`) for as long as it is used.
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: baseAddress, count: byteCount)
    }

    /// The bytes, writable. Only the creator may write, before the storage is shared.
    public var mutableBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: baseAddress, count: byteCount)
    }

    /// The memory viewed as `count` values of `T`.
    ///
    /// - Precondition: `count * stride` fits in the storage.
    public func typed<T>(_ type: T.Type, count: Int) -> UnsafeMutableBufferPointer<T> {
        precondition(count >= 0 && count * MemoryLayout<T>.stride <= byteCount, "typed view exceeds storage")
        return UnsafeMutableBufferPointer(start: baseAddress.assumingMemoryBound(to: T.self), count: count)
    }
}

import CMappingGuard

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
