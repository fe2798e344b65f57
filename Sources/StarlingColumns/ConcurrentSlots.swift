/// Result slots that concurrent workers fill, one index each.

/// A buffer shared with `DispatchQueue.concurrentPerform` workers, each of which writes only its
/// own index, so no two threads touch the same element.
public struct ConcurrentSlots<Element>: @unchecked Sendable {
    public let pointer: UnsafeMutableBufferPointer<Element>

    public init(_ pointer: UnsafeMutableBufferPointer<Element>) {
        self.pointer = pointer
    }
}
