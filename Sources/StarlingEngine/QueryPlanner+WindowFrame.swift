/// Binding window frames: ROWS and GROUPS offsets as constants, RANGE offsets as the ORDER BY
/// value each row's frame ends at, and the frames SQL forbids.

import StarlingColumns
import StarlingExecution
import StarlingSQL

extension QueryPlanner {
    /// The frame of `specification` (the default when none is written).
    func bindFrame(_ specification: WindowSpecification, orderBy: [SortKey], _ context: ExpressionContext)
        throws(SQLError) -> WindowFrameSpecification
    {
        guard let frame = specification.frame else { return .defaultFrame(ordered: !orderBy.isEmpty) }
        try checkFrameShape(frame)
        let mode: WindowFrameSpecification.Mode
        switch frame.mode {
        case .rows: mode = .rows
        case .range: mode = .range
        case .groups: mode = .groups
        }
        guard mode == .range, frame.start.offset != nil || frame.end.offset != nil else {
            return WindowFrameSpecification(
                mode: mode, start: try countedBound(frame.start, mode: frame.mode, context),
                end: try countedBound(frame.end, mode: frame.mode, context))
        }
        // RANGE with an offset: measured along the one ORDER BY key.
        guard specification.orderBy.count == 1, let key = orderBy.first else {
            throw SQLError("RANGE frames with an offset need exactly one ORDER BY expression", at: frame.position)
        }
        let keyType = key.expression.type
        guard TypeRules.isNumeric(keyType) || keyType == .date || keyType == .timestamp else {
            throw SQLError(
                "RANGE frames with an offset need a numeric, DATE or TIMESTAMP ORDER BY key, not \(keyType)",
                at: frame.position)
        }
        let keyExpression = specification.orderBy[0].expression
        var start = try rangeBound(frame.start, key: keyExpression, descending: key.descending, context)
        var end = try rangeBound(frame.end, key: keyExpression, descending: key.descending, context)
        // Both offsets compared in one type with the key.
        var boundaryType = keyType
        for case .value(let bound) in [start, end] {
            boundaryType = TypeRules.common(boundaryType, bound.type) ?? bound.type
        }
        func converted(_ bound: WindowFrameSpecification.Bound) throws(SQLError) -> WindowFrameSpecification.Bound {
            guard case .value(let expression) = bound, expression.type != boundaryType else { return bound }
            return .value(try fold(.cast(expression, boundaryType), at: frame.position))
        }
        start = try converted(start)
        end = try converted(end)
        let rangeKey =
            keyType == boundaryType ? key.expression : try fold(.cast(key.expression, boundaryType), at: frame.position)
        return WindowFrameSpecification(mode: .range, start: start, end: end, rangeKey: rangeKey)
    }

    /// The frames no engine accepts: a start after the end by construction.
    private func checkFrameShape(_ frame: WindowFrame) throws(SQLError) {
        switch (frame.start, frame.end) {
        case (.unboundedFollowing, _):
            throw SQLError("a frame cannot start at UNBOUNDED FOLLOWING", at: frame.position)
        case (_, .unboundedPreceding):
            throw SQLError("a frame cannot end at UNBOUNDED PRECEDING", at: frame.position)
        case (.currentRow, .preceding):
            throw SQLError("a frame starting from the current row cannot have preceding rows", at: frame.position)
        case (.following, .preceding), (.following, .currentRow):
            throw SQLError("a frame starting from following rows cannot have preceding rows", at: frame.position)
        default:
            break
        }
    }

    /// A ROWS or GROUPS bound, or a RANGE bound without an offset.
    private func countedBound(_ bound: WindowFrame.Bound, mode: WindowFrame.Mode, _ context: ExpressionContext)
        throws(SQLError) -> WindowFrameSpecification.Bound
    {
        switch bound {
        case .unboundedPreceding: return .unboundedPreceding
        case .unboundedFollowing: return .unboundedFollowing
        case .currentRow: return .currentRow
        case .preceding(let offset): return .preceding(try frameOffset(offset, mode: mode, context))
        case .following(let offset): return .following(try frameOffset(offset, mode: mode, context))
        }
    }

    /// A ROWS or GROUPS offset: a constant, non-negative integer.
    private func frameOffset(_ expression: Expression, mode: WindowFrame.Mode, _ context: ExpressionContext)
        throws(SQLError) -> Int64
    {
        let bound = try bind(expression, context)
        guard case .constant(let value, let type) = bound, type.physicalType != .float64,
            case .integer(let offset) = value
        else {
            throw SQLError("a \(mode.rawValue) frame offset must be a constant integer", at: expression.position)
        }
        guard offset >= 0 else {
            throw SQLError("a \(mode.rawValue) frame offset cannot be negative", at: expression.position)
        }
        return offset
    }

    /// A RANGE bound: with an offset, the ORDER BY value the frame reaches (`key - n` before an
    /// ascending key, `key + n` after it; the reverse for a descending key).
    private func rangeBound(_ bound: WindowFrame.Bound, key: Expression, descending: Bool, _ context: ExpressionContext)
        throws(SQLError) -> WindowFrameSpecification.Bound
    {
        let offset: Expression
        let towardStart: Bool
        switch bound {
        case .unboundedPreceding: return .unboundedPreceding
        case .unboundedFollowing: return .unboundedFollowing
        case .currentRow: return .currentRow
        case .preceding(let given): (offset, towardStart) = (given, true)
        case .following(let given): (offset, towardStart) = (given, false)
        }
        let value = try bind(offset, context)
        guard value.isConstant, TypeRules.isNumeric(value.type) || value.type == .interval else {
            throw SQLError("a RANGE frame offset must be a constant number or INTERVAL", at: offset.position)
        }
        if let number = constantNumber(value), number < 0 {
            throw SQLError("a RANGE frame offset cannot be negative", at: offset.position)
        }
        if case .constant(.interval(let interval), _) = value, interval.isNegative {
            throw SQLError("a RANGE frame offset cannot be negative", at: offset.position)
        }
        let subtract = towardStart != descending
        let boundary = Expression.binary(subtract ? .subtract : .add, key, offset, position: offset.position)
        return .value(try bind(boundary, context))
    }
}
