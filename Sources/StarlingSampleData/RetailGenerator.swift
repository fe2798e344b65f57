/// The retail sample data: one folder of extract files per night for the retail star —
/// `dim_store` (CSV, CRLF and a byte-order mark), `dim_product` (CSV, SCD type 2 on price and
/// category), `dim_customer` (NDJSON with a nested address, SCD type 2 on segment and city) and
/// `fact_sales` (gzip CSV, one row per line item) — with a documented rate of dirty rows and one
/// re-delivered night, deterministic per seed.

import StarlingColumns

/// What `RetailGenerator.generate` wrote.
public struct RetailReport: Sendable {
    /// Every file in load order, and every dirty row.
    public let manifest: ExtractManifest
    /// The night re-delivered with its dirty sales lines corrected (1-based).
    public let redeliveredNight: Int
    /// Sales lines per night, dirty ones included (index 0 is night 1).
    public let salesLinesPerNight: [Int]
    /// Bytes written, manifest files included.
    public let bytes: Int
}

/// Writes `--days` nights of retail extracts into a directory:
///
/// * `YYYY-MM-DD/` for each night: `dim_store.csv`, `dim_product.csv`, `dim_customer.ndjson`,
///   `fact_sales.csv.gz`. Night 1 delivers the dimensions in full; later nights only their new
///   and changed rows (a header-only file when nothing changed).
/// * `redelivery-YYYY-MM-DD/fact_sales.csv.gz`: one night's sales again, its dirty lines fixed.
/// * `manifest.csv` (files in load order with their load flags), `dirty-rows.csv` (every dirty
///   row: file, line, kind) and `README.md`.
///
/// Dirty rows: one sales line in ``dirtyLineInterval`` (at least one a night) is a bad date, an
/// unknown product or a broken quote, in turn; every 4th night's customer file repeats one
/// customer. Every night is drawn from its own SplitMix64 streams seeded from (seed, night), in
/// order, so the files depend only on the options.
public struct RetailGenerator: Sendable {
    public static let defaultSeed: UInt64 = 20_250_101
    /// The nights a run may have.
    public static let dayRange = 1...3_650
    /// The scale factors accepted (1: about 3,000 sales lines a night).
    public static let scaleRange = 0.001...100.0
    /// One dirty sales line per this many lines (0.2%), at least one a night.
    public static let dirtyLineInterval = 500
    /// Every this many nights, the customer file delivers one customer twice.
    public static let duplicateCustomerInterval = 4

    public let days: Int
    /// The first night's business day, days since 1970-01-01.
    public let start: Int64
    public let scale: Double
    public let seed: UInt64

    /// A generator; nil when `days` or `scale` is out of range.
    public init?(days: Int, start: Int64, scale: Double = 1, seed: UInt64 = defaultSeed) {
        guard Self.dayRange.contains(days), scale.isFinite, Self.scaleRange.contains(scale) else { return nil }
        self.days = days
        self.start = start
        self.scale = scale
        self.seed = seed
    }

    /// The night re-delivered: the second (the first when there is only one).
    public var redeliveredNight: Int { days >= 2 ? 2 : 1 }

    /// The business day of night `night` (1-based).
    public func day(ofNight night: Int) -> Int64 { start + Int64(night - 1) }

    /// The folder of night `night`: its date, `YYYY-MM-DD`.
    public func folder(ofNight night: Int) -> String {
        CalendarDate(daysSinceEpoch: day(ofNight: night)).description
    }

    /// The folder of the re-delivered night (sorts after every night's folder).
    public var redeliveryFolder: String { "redelivery-" + folder(ofNight: redeliveredNight) }

    /// The extract files of each table, in load order within a night.
    public static let fileNames: [(table: String, file: String)] = [
        ("dim_store", "dim_store.csv"), ("dim_product", "dim_product.csv"),
        ("dim_customer", "dim_customer.ndjson"), ("fact_sales", "fact_sales.csv.gz"),
    ]

    /// Writes every night into `directory` (created if missing); calls `progress` after each
    /// night with its number and files.
    @discardableResult
    public func generate(into directory: String,
                         progress: (Int, [ExtractFileReport]) -> Void = { _, _ in }) throws(SampleDataError) -> RetailReport {
        try BlockFileWriter.createDirectory(directory)
        var setup = stream(night: 0, purpose: 0)
        var world = RetailWorld(firstDay: start, random: &setup)
        var manifest = ExtractManifest()
        var redelivery: ExtractDelivery?
        var linesPerNight: [Int] = []
        var bytes = 0
        for night in 1...days {
            let day = day(ofNight: night)
            var changes = RetailChanges()
            if night == 1 {
                changes.stores = Array(world.stores.indices)
                changes.products = Array(world.products.indices)
                changes.customers = Array(world.customers.indices)
            } else {
                var random = stream(night: night, purpose: 1)
                changes = world.advance(night: night, day: day, random: &random)
            }
            var salesRandom = stream(night: night, purpose: 2)
            let lines = RetailSales.lines(world: world, night: night, day: day, firstDay: start, scale: scale, random: &salesRandom)
            linesPerNight.append(lines.count)

            let folder = folder(ofNight: night)
            let path = directory + "/" + folder
            try BlockFileWriter.createDirectory(path)
            var defectRandom = stream(night: night, purpose: 3)
            let stores = storeFile(world: world, changes: changes.stores)
            let products = productFile(world: world, changes: changes.products, night: night)
            var customerDefects: [ExtractDefect] = []
            let customers = customerFile(world: world, changes: changes.customers, night: night, folder: folder,
                                         random: &defectRandom, defects: &customerDefects)
            var salesDefects: [ExtractDefect] = []
            let sales = salesFile(lines, night: night, folder: folder, dirty: true, random: &defectRandom, defects: &salesDefects)
            var reports: [ExtractFileReport] = []
            for (file, defects) in [(stores, [ExtractDefect]()), (products, []), (customers, customerDefects), (sales, salesDefects)] {
                let report = try file.write(into: path)
                reports.append(report)
                bytes += report.bytes
                let table = String(file.name.prefix { $0 != "." })
                manifest.deliveries.append(ExtractDelivery(night: night, day: day, folder: folder, file: file.name, table: table, rows: report.rows,
                                                           bytes: report.bytes, dirtyRows: defects.count,
                                                           loadFlags: defects.isEmpty ? "" : "--max-rejects \(defects.count)"))
                manifest.defects += defects
            }
            if night == redeliveredNight {
                var unused: [ExtractDefect] = []
                let corrected = salesFile(lines, night: night, folder: redeliveryFolder, dirty: false, random: &defectRandom, defects: &unused)
                let redeliveryPath = directory + "/" + redeliveryFolder
                try BlockFileWriter.createDirectory(redeliveryPath)
                let report = try corrected.write(into: redeliveryPath)
                bytes += report.bytes
                redelivery = ExtractDelivery(night: night, day: day, folder: redeliveryFolder, file: corrected.name, table: "fact_sales", rows: report.rows,
                                             bytes: report.bytes, dirtyRows: 0, loadFlags: "--replace-partitions")
            }
            progress(night, reports)
        }
        if let redelivery { manifest.deliveries.append(redelivery) }
        for report in try manifest.write(into: directory) { bytes += report.bytes }
        let readme = RetailReadme.text(generator: self, directory: directory, manifest: manifest, linesPerNight: linesPerNight)
        bytes += try ExtractFile.writeText(readme, name: "README.md", into: directory).bytes
        return RetailReport(manifest: manifest, redeliveredNight: redeliveredNight, salesLinesPerNight: linesPerNight, bytes: bytes)
    }

    /// The random stream for one purpose of one night.
    private func stream(night: Int, purpose: UInt64) -> SplitMix64 {
        SplitMix64.stream(seed: seed, night: night, purpose: purpose)
    }

    // MARK: Files

    private func storeFile(world: RetailWorld, changes: [Int]) -> ExtractFile {
        // A Windows point-of-sale export: CRLF line ends and a UTF-8 byte-order mark.
        var file = ExtractFile(name: "dim_store.csv", layout: .csv(crlf: true, byteOrderMark: true),
                               columns: ["store_id", "store_name", "store_type", "city", "region", "manager", "opened_on"])
        for index in changes {
            let store = world.stores[index]
            let city = RetailTables.cities[store.city]
            file.append([.integer(store.id), .text(store.name), .text(RetailTables.storeTypes[store.type].name), .text(city.city),
                         .text(city.region), .text(store.manager), .date(store.openedOn)])
        }
        return file
    }

    private func productFile(world: RetailWorld, changes: [Int], night: Int) -> ExtractFile {
        var file = ExtractFile(name: "dim_product.csv", layout: .csv(),
                               columns: ["product_id", "product_name", "category", "subcategory", "brand", "list_price", "valid_from"])
        for index in changes {
            let product = world.products[index]
            let category = RetailTables.categories[product.category]
            file.append([.integer(product.id), .text(product.name), .text(category.name),
                         .text(category.subcategories[product.subcategory].name), .text(product.brand),
                         .decimal(units: product.priceCents, scale: 2), night == 1 ? .null : .date(day(ofNight: night))])
        }
        return file
    }

    private func customerFile(world: RetailWorld, changes: [Int], night: Int, folder: String,
                              random: inout SplitMix64, defects: inout [ExtractDefect]) -> ExtractFile {
        var file = ExtractFile(name: "dim_customer.ndjson", layout: .ndjson,
                               columns: ["customer_id", "first_name", "last_name", "segment", "address", "join_date", "valid_from", "tags"])
        var rows: [[ExtractValue]] = []
        for index in changes {
            let customer = world.customers[index]
            let city = RetailTables.cities[customer.city]
            // Some rows give the id as a string, as JSON feeds do.
            let id: ExtractValue = random.chance(0.05) ? .text(String(customer.id)) : .integer(customer.id)
            rows.append([id, .text(customer.firstName), .text(customer.lastName), .text(RetailTables.segments[customer.segment].name),
                         .object([("city", .text(city.city)), ("region", .text(city.region))]), .date(customer.joinedOn),
                         night == 1 ? .absent : .date(day(ofNight: night)),
                         customer.tags.isEmpty ? .absent : .array(customer.tags.map { .text($0) })])
        }
        for row in rows { file.append(row) }
        if night % Self.duplicateCustomerInterval == 0, !rows.isEmpty {
            let repeated = rows[random.below(rows.count)]
            defects.append(ExtractDefect(file: folder + "/" + file.name, line: file.nextLine, table: "dim_customer", kind: .duplicateKey,
                                         column: "customer_id", detail: "customer \(Self.describe(repeated[0])) delivered a second time in the same file"))
            file.append(repeated)
        }
        return file
    }

    /// The sales lines as `fact_sales.csv.gz`; when `dirty`, one line in ``dirtyLineInterval``
    /// (at least one) is spoilt, and each spoilt line is recorded in `defects`.
    private func salesFile(_ lines: [RetailSaleLine], night: Int, folder: String, dirty: Bool,
                           random: inout SplitMix64, defects: inout [ExtractDefect]) -> ExtractFile {
        var file = ExtractFile(name: "fact_sales.csv.gz", layout: .csv(), gzip: true,
                               columns: ["sale_id", "line_number", "sold_on", "product_id", "customer_id", "store_id",
                                         "quantity", "unit_price", "discount", "total_amount"])
        var spoilt: Set<Int> = []
        if dirty, !lines.isEmpty {
            let count = max(1, lines.count / Self.dirtyLineInterval)
            while spoilt.count < count { spoilt.insert(random.below(lines.count)) }
        }
        let day = day(ofNight: night)
        let date = CalendarDate(daysSinceEpoch: day)
        var kindIndex = night
        for (index, line) in lines.enumerated() {
            var values: [ExtractValue] = [.integer(line.saleId), .integer(line.lineNumber), .date(day), .integer(line.productId),
                                          line.customerId.map { .integer($0) } ?? .null, .integer(line.storeId),
                                          .integer(line.quantity), .decimal(units: line.unitCents, scale: 2),
                                          .decimal(units: line.discountCents, scale: 2), .decimal(units: line.totalCents, scale: 2)]
            if spoilt.contains(index) {
                let kinds: [ExtractDefect.Kind] = [.badDate, .unknownKey, .brokenQuote]
                let kind = kinds[kindIndex % kinds.count]
                kindIndex += 1
                let detail: String
                var column: String?
                switch kind {
                case .badDate:
                    let bad = String(date.year) + "-02-30"
                    values[2] = .malformedDate(day, .february30)
                    column = "sold_on"
                    detail = "sold_on \(bad) is not a date (sale \(line.saleId) line \(line.lineNumber))"
                case .unknownKey:
                    let unknown = 99_000 + line.lineNumber
                    values[3] = .integer(unknown)
                    column = "product_id"
                    detail = "product_id \(unknown) is in no dim_product delivery (sale \(line.saleId) line \(line.lineNumber))"
                default:
                    values[6] = .raw("\"\(line.quantity)\" pcs")
                    detail = "quantity \"\(line.quantity)\" pcs: text after the closing quote (sale \(line.saleId) line \(line.lineNumber))"
                }
                defects.append(ExtractDefect(file: folder + "/" + file.name, line: file.nextLine, table: "fact_sales", kind: kind,
                                             column: column, detail: detail))
            }
            file.append(values)
        }
        return file
    }

    private static func describe(_ value: ExtractValue) -> String {
        switch value {
        case .integer(let number): return String(number)
        case .text(let text): return text
        default: return "?"
        }
    }
}
