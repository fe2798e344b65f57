/// A segment tree over a partition's positions, for frames that move at both ends: the sum of
/// doubles, or the position of the least or greatest value, in any range in O(log n).

/// A bottom-up segment tree over `count` leaves of `Element`, combined by an associative
/// `combine` with `identity` as its neutral element.
struct WindowSegmentTree<Element> {
    private var nodes: [Element]
    private let count: Int
    private let identity: Element
    private let combine: (Element, Element) -> Element

    /// A tree whose leaf `i` is `leaf(i)`.
    init(count: Int, identity: Element, leaf: (Int) -> Element, combine: @escaping (Element, Element) -> Element) {
        self.count = count
        self.identity = identity
        self.combine = combine
        var nodes = [Element](repeating: identity, count: 2 * max(count, 1))
        for index in 0..<count { nodes[count + index] = leaf(index) }
        var node = count - 1
        while node > 0 {
            nodes[node] = combine(nodes[2 * node], nodes[2 * node + 1])
            node -= 1
        }
        self.nodes = nodes
    }

    /// The combination of leaves `range` (empty: `identity`). Precondition: within 0..<count.
    func query(_ range: Range<Int>) -> Element {
        var leftResult = identity
        var rightResult = identity
        var low = range.lowerBound + count
        var high = range.upperBound + count
        while low < high {
            if low & 1 == 1 {
                leftResult = combine(leftResult, nodes[low])
                low += 1
            }
            if high & 1 == 1 {
                high -= 1
                rightResult = combine(nodes[high], rightResult)
            }
            low >>= 1
            high >>= 1
        }
        return combine(leftResult, rightResult)
    }
}
