/// The catalog: every table, its columns, partitions and segment files, and every view, as of
/// one snapshot.

import StarlingColumns

/// The whole state of a warehouse at one snapshot. Each commit writes a new snapshot under the
/// next number; nothing is ever changed in place. On disk a catalog is a root file and the
/// manifests it names (``CatalogFile``, ``ManifestFile``); in memory it is whole.
public struct Catalog: Sendable, Equatable {
    /// This snapshot's number (1 is the empty warehouse `starling init` creates).
    public var snapshot: Int
    /// When the snapshot was committed, microseconds since the Unix epoch.
    public var committedMicros: Int64
    /// The next table identifier to hand out (identifiers are never reused).
    public var nextTableIdentifier: Int
    public var tables: [CatalogTable]
    /// The views, in creation order; absent when there are none (so catalogs without views are
    /// written as before). Names are distinct from each other and from the tables'.
    public var views: [CatalogView]?
    /// The commit that made this snapshot. The whole history is ``Warehouse/history()``.
    public var commit: HistoryEntry

    public init(
        snapshot: Int, committedMicros: Int64, nextTableIdentifier: Int = 1, tables: [CatalogTable] = [],
        views: [CatalogView]? = nil, commit: HistoryEntry? = nil
    ) {
        self.snapshot = snapshot
        self.committedMicros = committedMicros
        self.nextTableIdentifier = nextTableIdentifier
        self.tables = tables
        self.views = views
        self.commit =
            commit ?? HistoryEntry(snapshot: snapshot, committedMicros: committedMicros, operation: "init", table: nil)
    }

    /// The table named `name` (names are stored already normalised).
    public func table(named name: String) -> CatalogTable? {
        tables.first { $0.name == name }
    }

    /// The view named `name`.
    public func view(named name: String) -> CatalogView? {
        views?.first { $0.name == name }
    }

    /// Every view (none when the field is absent).
    public var allViews: [CatalogView] { views ?? [] }

    /// Adds `view`, or replaces the view of the same name in its place.
    public mutating func setView(_ view: CatalogView) {
        var list = views ?? []
        if let index = list.firstIndex(where: { $0.name == view.name }) {
            list[index] = view
        } else {
            list.append(view)
        }
        views = list
    }

    /// Removes the view named `name`; the field is left out again when no view remains.
    public mutating func removeView(named name: String) {
        let list = (views ?? []).filter { $0.name != name }
        views = list.isEmpty ? nil : list
    }

    /// Whether a table or a view has the name `name`.
    public func hasRelation(named name: String) -> Bool {
        table(named: name) != nil || view(named: name) != nil
    }

    /// The names of every table and view, for "did you mean".
    public var relationNames: [String] { tables.map(\.name) + allViews.map(\.name) }

    /// Tables whose columns reference `table`.
    public func referencingTables(_ table: String) -> [CatalogTable] {
        tables.filter { $0.columns.contains { $0.references?.table == table } }
    }

    /// What kind of table `table` is: referenced by another (dimension), referencing others
    /// (fact), or neither (plain).
    public func kind(of table: CatalogTable) -> TableKind {
        if !referencingTables(table.name).isEmpty { return .dimension }
        if table.columns.contains(where: { $0.references != nil }) { return .fact }
        return table.isReferenceable && table.options["kind"]?.lowercased() == "dimension" ? .dimension : .plain
    }
}

/// The role a table plays in the star schema.
public enum TableKind: String, Sendable {
    case fact, dimension, plain
}
