/// Result slots that concurrent workers fill, one index each.

/// A buffer shared with `DispatchQueue.concurrentPerform` workers, each of which writes only its
/// own index, so no two threads touch the same element.
public struct ConcurrentSlots<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<Element>

    public init(_ pointer: UnsafeMutableBufferPointer<Element>) {
        self.pointer = pointer
    }
}

/// A value handed to concurrent workers that the caller knows they use safely: each touches
/// only its own index, or touches it only under a lock.
public struct UncheckedSendable<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
