/// Optimizer rules for OR: conjuncts common to every branch are factored out, and a filter each
/// branch implies for one FROM leaf is derived and pushed to that leaf.

import StarlingExecution

/// Rewrites of a WHERE clause's disjunctions, applied before joins are ordered.
///
/// `(a AND b) OR (a AND c)` becomes `a AND (b OR c)`: when `a` is a join condition (TPC-H Q19's
/// `p_partkey = l_partkey` in each of three branches) the join becomes a hash join instead of a
/// cross product filtered afterwards. And a disjunction whose every branch constrains one leaf
/// implies the disjunction of those constraints for that leaf alone: `(p.x = 1 AND l.y < 5) OR
/// (p.x = 2 AND l.y > 9)` implies `p.x = 1 OR p.x = 2` on `p` and `l.y < 5 OR l.y > 9` on `l`,
/// filters a scan can apply before the join. The original disjunction is kept where it was.
enum DisjunctionRules {
    /// `conjuncts` with each OR's common conjuncts factored out (and the whole list flattened).
    static func factorCommonConjuncts(_ conjuncts: [BoundExpression]) -> [BoundExpression] {
        var result: [BoundExpression] = []
        for conjunct in conjuncts {
            for part in factor(conjunct).conjuncts where !result.contains(part) {
                result.append(part)
            }
        }
        return result
    }

    /// One expression with its OR's common conjuncts taken out: `common AND (rest OR rest …)`.
    static func factor(_ expression: BoundExpression) -> BoundExpression {
        guard case .or(let branches) = expression, branches.count > 1 else { return expression }
        let branchConjuncts = branches.map { factor($0).conjuncts }
        var common = branchConjuncts[0].filter { candidate in branchConjuncts.allSatisfy { $0.contains(candidate) } }
        // Deduplicate while keeping order.
        common = common.enumerated().filter { common.firstIndex(of: $0.element) == $0.offset }.map(\.element)
        guard !common.isEmpty else { return .or(branchConjuncts.map(conjunction)) }
        var rests: [BoundExpression] = []
        for parts in branchConjuncts {
            let rest = parts.filter { !common.contains($0) }
            // A branch with nothing left is true: the whole OR is then implied by `common`.
            if rest.isEmpty { return conjunction(common) }
            rests.append(conjunction(rest))
        }
        return conjunction(common + [.or(rests)])
    }

    /// For a disjunction, the filter it implies on each group of columns `groupOf` names (a
    /// FROM leaf): present for a group only when every branch has at least one conjunct that reads
    /// that group's columns alone. Keyed by group.
    static func impliedFilters(_ expression: BoundExpression, groupOf: (Int) -> Int) -> [Int: BoundExpression] {
        guard case .or(let branches) = expression, branches.count > 1 else { return [:] }
        var perBranch: [[Int: [BoundExpression]]] = []
        for branch in branches {
            var groups: [Int: [BoundExpression]] = [:]
            for conjunct in branch.conjuncts {
                let used = Set(conjunct.columnsUsed.map(groupOf))
                if used.count == 1, let group = used.first { groups[group, default: []].append(conjunct) }
            }
            perBranch.append(groups)
        }
        guard let first = perBranch.first else { return [:] }
        var result: [Int: BoundExpression] = [:]
        for group in first.keys where perBranch.allSatisfy({ $0[group] != nil }) {
            let parts = perBranch.compactMap { $0[group] }.map(conjunction)
            result[group] = .or(parts)
        }
        return result
    }

    static func conjunction(_ parts: [BoundExpression]) -> BoundExpression {
        parts.count == 1 ? parts[0] : .and(parts)
    }
}
