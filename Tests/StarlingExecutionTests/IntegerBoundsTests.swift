/// Tests of the value ranges integer vectors carry, and of the kernels that skip checks by them.

import StarlingColumns
import Testing

@testable import StarlingExecution

@Suite("Integer bounds")
struct IntegerBoundsTests {
    @Test("interval arithmetic takes the extreme corners, and gives up when an end overflows")
    func intervals() {
        #expect(IntegerBounds.of(.add, -5...10, 1...2) == -4...12)
        #expect(IntegerBounds.of(.subtract, -5...10, 1...2) == -7...9)
        #expect(IntegerBounds.of(.multiply, -5...10, -3...2) == -30...20)
        #expect(IntegerBounds.of(.multiply, -5...(-1), -3...(-2)) == 2...15)
        #expect(IntegerBounds.of(.add, 0...Int64.max, 1...1) == nil)
        #expect(IntegerBounds.of(.multiply, Int64.min...0, -1...(-1)) == nil)
        #expect(IntegerBounds.of(.divide, 1...2, 1...2) == nil)
    }

    @Test("a sum fits when the largest magnitude times the count does")
    func sums() {
        #expect(IntegerBounds.sumFits(-100...100, count: 65_536))
        #expect(IntegerBounds.sumFits(Int64.min + 1...0, count: 1))
        #expect(!IntegerBounds.sumFits(Int64.min...0, count: 1))
        #expect(!IntegerBounds.sumFits(0...(Int64.max / 2 + 1), count: 2))
    }

    @Test("bounded vectors give the same answers, and bounds that do not prove safety still check")
    func kernels() throws {
        let decimal = LogicalType.decimal(precision: 15, scale: 2)
        let prices = Vector(
            type: decimal, count: 3, data: .integers([1_050, 99_999, 0]), nulls: nil, bounds: 0...131_071)
        let discounts = Vector(type: decimal, count: 3, data: .integers([5, 10, 0]), nulls: nil, bounds: 0...15)
        let chunk = Chunk(columns: [prices, discounts], count: 3)
        let wide = LogicalType.decimal(precision: 18, scale: 4)
        // price * (1.00 - discount): both steps proven, both carry their ranges on.
        let net = BoundExpression.arithmetic(
            .multiply, .column(0, decimal),
            .arithmetic(.subtract, .constant(.integer(100), decimal), .column(1, decimal), decimal), wide)
        let result = try ExpressionEvaluator.evaluate(net, chunk)
        #expect((0..<3).map { result.value(at: $0) } == [.integer(99_750), .integer(8_999_910), .integer(0)])
        #expect(result.bounds == 0...13_107_100)
        // A range reaching past the type is not proof: the checked loop finds the row.
        let huge = Vector(
            type: .integer, count: 2, data: .integers([1, 2_147_483_647]), nulls: nil, bounds: 0...2_147_483_647)
        let overflow = BoundExpression.arithmetic(
            .add, .column(0, .integer), .constant(.integer(1), .integer), .integer)
        #expect(throws: QueryError.self) {
            try ExpressionEvaluator.evaluate(overflow, Chunk(columns: [huge], count: 2))
        }
        // Strings and doubles carry no bounds.
        let text = Vector(type: .varchar, count: 0, data: .strings(StringStorage([])), nulls: nil, bounds: 0...1)
        #expect(text.bounds == nil)
        #expect(prices.gather([2, 0]).bounds == 0...131_071)
    }
}
