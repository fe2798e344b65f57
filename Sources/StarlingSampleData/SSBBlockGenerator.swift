/// Generating one fixed block of an SSB table's rows from the block's own random stream, so that
/// blocks can be made on any thread, in any order, and still give the same bytes: the dimension
/// tables, and the lineorder fact table with keys into every dimension and money in whole cents.

import StarlingColumns

/// Writes the rows of one block of a table into a ``RowWriter``. Read-only after `init`, so one
/// value serves every worker thread.
struct SSBBlockGenerator: Sendable {
    let cardinalities: SSBCardinalities
    let seed: UInt64

    // The vocabularies as byte lists.
    let nations: WordList
    /// Region name by nation index.
    let nationRegions: WordList
    /// The 9-character city prefix by nation index.
    let cityPrefixes: WordList
    let segments: WordList
    let colors: WordList
    let typeSizes: WordList
    let typeFinishes: WordList
    let typeMetals: WordList
    let containerSizes: WordList
    let containerKinds: WordList
    let priorities: WordList
    let shipModes: WordList
    /// `Customer#`, `Supplier#`, `MFGR#`: see ``Prefix``.
    let prefixes: WordList
    let addressCharacters: [UInt8]
    /// YYYYMMDD by day index.
    let dateKeys: [Int]

    /// Indexes into ``prefixes``.
    enum Prefix {
        static let customer = 0
        static let supplier = 1
        static let manufacturer = 2
    }

    init(cardinalities: SSBCardinalities, seed: UInt64) {
        self.cardinalities = cardinalities
        self.seed = seed
        nations = WordList(SSBText.nations.map(\.name))
        nationRegions = WordList(SSBText.nations.map { SSBText.regions[$0.region] })
        cityPrefixes = WordList(SSBText.nations.map { SSBText.cityPrefix($0.name) })
        segments = WordList(SSBText.segments)
        colors = WordList(SSBText.colors)
        typeSizes = WordList(SSBText.typeSizes)
        typeFinishes = WordList(SSBText.typeFinishes)
        typeMetals = WordList(SSBText.typeMetals)
        containerSizes = WordList(SSBText.containerSizes)
        containerKinds = WordList(SSBText.containerKinds)
        priorities = WordList(SSBText.priorities)
        shipModes = WordList(SSBText.shipModes)
        prefixes = WordList(["Customer#", "Supplier#", "MFGR#"])
        addressCharacters = SSBText.addressCharacters
        dateKeys = SSBCalendar.dateKeys()
    }

    /// The random stream of block `block` of `table`: a function of the seed, the table and the
    /// block index only.
    func random(for table: SSBTable, block: Int) -> SplitMix64 {
        var tableMixer = SplitMix64(seed: seed ^ (table.streamTag &* 0xA24B_AED4_963E_E407))
        var blockMixer = SplitMix64(seed: tableMixer.next() &+ UInt64(block) &* 0x9FB2_1C65_1E98_DF25)
        return SplitMix64(seed: blockMixer.next())
    }

    /// The rows (orders, for lineorder) block `block` of `table` covers.
    func units(of table: SSBTable, block: Int) -> Range<Int> {
        let first = block * table.unitsPerBlock
        return first..<min(first + table.unitsPerBlock, cardinalities.units(of: table))
    }

    /// Appends block `block` of `table` to `writer` and returns the number of rows written.
    func write(_ table: SSBTable, block: Int, into writer: inout RowWriter) -> Int {
        var random = random(for: table, block: block)
        let range = units(of: table, block: block)
        switch table {
        case .date:
            SSBCalendar.writeRows(into: &writer)
            return SSBCalendar.dayCount
        case .customer:
            writeCustomers(range, random: &random, into: &writer)
            return range.count
        case .supplier:
            writeSuppliers(range, random: &random, into: &writer)
            return range.count
        case .part:
            writeParts(range, random: &random, into: &writer)
            return range.count
        case .lineorder:
            return writeLineorders(range, random: &random, into: &writer)
        }
    }

    // MARK: Dimensions

    /// c_custkey, c_name, c_address, c_city, c_nation, c_region, c_phone, c_mktsegment.
    private func writeCustomers(_ keys: Range<Int>, random: inout SplitMix64, into writer: inout RowWriter) {
        writeParties(keys, prefix: Prefix.customer, random: &random, into: &writer) { random, writer in
            writer.wordField(segments, random.below(5))
        }
    }

    /// s_suppkey, s_name, s_address, s_city, s_nation, s_region, s_phone.
    private func writeSuppliers(_ keys: Range<Int>, random: inout SplitMix64, into writer: inout RowWriter) {
        writeParties(keys, prefix: Prefix.supplier, random: &random, into: &writer) { _, _ in }
    }

    /// Customers and suppliers alike: key, `Prefix#000000042` name, address, city, nation,
    /// region and phone, then whatever `rest` adds, per row.
    private func writeParties(
        _ keys: Range<Int>, prefix: Int, random: inout SplitMix64, into writer: inout RowWriter,
        rest: (inout SplitMix64, inout RowWriter) -> Void
    ) {
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
        defer { scratch.deallocate() }
        for index in keys {
            let key = index + 1
            let nation = random.below(25)
            writer.integerField(key)
            writer.word(prefixes, prefix)
            writer.zeroPadded(key, width: 9)
            writer.endField()
            writeAddress(random: &random, scratch: scratch, into: &writer)
            writeLocation(nation: nation, random: &random, into: &writer)
            rest(&random, &writer)
            writer.endRow()
        }
    }

    /// An address: 10 to 25 characters of letters, digits, `,`, `.` and space, trimmed of spaces
    /// at either end (`x` if nothing is left).
    @inline(__always)
    private func writeAddress(random: inout SplitMix64, scratch: UnsafeMutablePointer<UInt8>, into writer: inout RowWriter) {
        let length = 10 + random.below(16)
        addressCharacters.withUnsafeBufferPointer { characters in
            for position in 0..<length {
                scratch[position] = characters[random.below(characters.count)]
            }
        }
        var start = 0
        var end = length
        while start < end, scratch[start] == UInt8(ascii: " ") { start += 1 }
        while end > start, scratch[end - 1] == UInt8(ascii: " ") { end -= 1 }
        if start == end {
            writer.byte(UInt8(ascii: "x"))
        } else {
            writer.bytes(scratch + start, length: end - start)
        }
        writer.endField()
    }

    /// City (nation prefix + digit), nation, region and phone (`NN-ddd-ddd-dddd`, NN = 10 + nation).
    @inline(__always)
    private func writeLocation(nation: Int, random: inout SplitMix64, into writer: inout RowWriter) {
        writer.word(cityPrefixes, nation)
        writer.byte(UInt8(ascii: "0") + UInt8(random.below(10)))
        writer.endField()
        writer.wordField(nations, nation)
        writer.wordField(nationRegions, nation)
        writer.integer(10 + nation)
        writer.byte(UInt8(ascii: "-"))
        writer.integer(100 + random.below(900))
        writer.byte(UInt8(ascii: "-"))
        writer.integer(100 + random.below(900))
        writer.byte(UInt8(ascii: "-"))
        writer.integer(1000 + random.below(9000))
        writer.endField()
    }

    /// p_partkey, p_name (two different colours), p_mfgr, p_category, p_brand1, p_color, p_type,
    /// p_size, p_container.
    private func writeParts(_ keys: Range<Int>, random: inout SplitMix64, into writer: inout RowWriter) {
        let colorCount = colors.count
        for index in keys {
            let key = index + 1
            let manufacturer = 1 + random.below(5)
            let category = manufacturer * 10 + 1 + random.below(5)
            let brand = 1 + random.below(40)
            let firstColor = random.below(colorCount)
            var secondColor = random.below(colorCount - 1)
            if secondColor >= firstColor { secondColor += 1 }

            writer.integerField(key)
            writer.word(colors, firstColor)
            writer.byte(UInt8(ascii: " "))
            writer.wordField(colors, secondColor)
            writer.word(prefixes, Prefix.manufacturer)
            writer.integerField(manufacturer)
            writer.word(prefixes, Prefix.manufacturer)
            writer.integerField(category)
            writer.word(prefixes, Prefix.manufacturer)
            writer.integer(category)
            writer.zeroPadded(brand, width: 2)
            writer.endField()
            writer.wordField(colors, random.below(colorCount))
            writer.word(typeSizes, random.below(typeSizes.count))
            writer.byte(UInt8(ascii: " "))
            writer.word(typeFinishes, random.below(typeFinishes.count))
            writer.byte(UInt8(ascii: " "))
            writer.wordField(typeMetals, random.below(typeMetals.count))
            writer.integerField(1 + random.below(50))
            writer.word(containerSizes, random.below(containerSizes.count))
            writer.byte(UInt8(ascii: " "))
            writer.wordField(containerKinds, random.below(containerKinds.count))
            writer.endRow()
        }
    }

    // MARK: Lineorder

    /// The random draws of one order line, kept until the order's total is known.
    struct OrderLine {
        var partKey = 0
        var supplierKey = 0
        var quantity = 0
        var discount = 0
        var tax = 0
        var commitDay = 0
        var shipMode = 0
        var extendedPrice = 0
        var supplyCost = 0
    }

    /// The most lines an order has.
    static let maximumLinesPerOrder = 7

    /// Writes the lines of the orders `orders` (0-based order numbers) and returns how many.
    ///
    /// Per order: lo_orderkey is TPC-H's sparse key (8 of every 32 numbers), the customer, order
    /// day (of the first 2,406) and priority are uniform, and so is the line count 1–7. Per line:
    /// part, supplier, quantity 1–50, discount 0–10, tax 0–8, commit date 30–90 days after the
    /// order, ship mode. lo_extendedprice = quantity × retail price, lo_revenue = extended price ×
    /// (100 − discount) / 100, lo_supplycost = 6/10 of the retail price, lo_ordtotalprice = the
    /// order's sum of extended price with tax and discount (all truncated, in cents).
    private func writeLineorders(_ orders: Range<Int>, random: inout SplitMix64, into writer: inout RowWriter) -> Int {
        let lines = UnsafeMutablePointer<OrderLine>.allocate(capacity: Self.maximumLinesPerOrder)
        lines.initialize(repeating: OrderLine(), count: Self.maximumLinesPerOrder)
        defer { lines.deallocate() }
        let customers = cardinalities.customers
        let parts = cardinalities.parts
        let suppliers = cardinalities.suppliers
        let orderDays = SSBCalendar.orderDays
        let commitSpan = SSBCalendar.commitDelays.count
        let commitMinimum = SSBCalendar.commitDelays.lowerBound
        let priorityCount = priorities.count
        let shipModeCount = shipModes.count
        var rows = 0

        dateKeys.withUnsafeBufferPointer { dateKeys in
            for order in orders {
                let orderKey = (order / 8) * 32 + order % 8 + 1
                let customerKey = 1 + random.below(customers)
                let orderDay = random.below(orderDays)
                let priority = random.below(priorityCount)
                let lineCount = 1 + random.below(Self.maximumLinesPerOrder)
                var total = 0
                for line in 0..<lineCount {
                    let partKey = 1 + random.below(parts)
                    let quantity = 1 + random.below(50)
                    let discount = random.below(11)
                    let tax = random.below(9)
                    let price = Self.retailPrice(partKey: partKey)
                    let extendedPrice = quantity * price
                    total += extendedPrice * (100 + tax) / 100 * (100 - discount) / 100
                    lines[line] = OrderLine(
                        partKey: partKey, supplierKey: 1 + random.below(suppliers), quantity: quantity,
                        discount: discount, tax: tax, commitDay: orderDay + commitMinimum + random.below(commitSpan),
                        shipMode: random.below(shipModeCount), extendedPrice: extendedPrice, supplyCost: 6 * price / 10)
                }
                let orderDate = dateKeys[orderDay]
                for line in 0..<lineCount {
                    let item = lines[line]
                    writer.integerField(orderKey)
                    writer.integerField(line + 1)
                    writer.integerField(customerKey)
                    writer.integerField(item.partKey)
                    writer.integerField(item.supplierKey)
                    writer.integerField(orderDate)
                    writer.wordField(priorities, priority)
                    writer.byte(UInt8(ascii: "0"))
                    writer.endField()
                    writer.integerField(item.quantity)
                    writer.integerField(item.extendedPrice)
                    writer.integerField(total)
                    writer.integerField(item.discount)
                    writer.integerField(item.extendedPrice * (100 - item.discount) / 100)
                    writer.integerField(item.supplyCost)
                    writer.integerField(item.tax)
                    writer.integerField(dateKeys[item.commitDay])
                    writer.wordField(shipModes, item.shipMode)
                    writer.endRow()
                }
                rows += lineCount
            }
        }
        return rows
    }

    /// TPC-H's p_retailprice of a part, in cents: 900.00 to 2,099.00.
    @inline(__always)
    static func retailPrice(partKey: Int) -> Int {
        90_000 + (partKey / 10) % 20_001 + 100 * (partKey % 1_000)
    }
}

extension SplitMix64 {
    /// A number in `0..<bound` (`bound` > 0), by Lemire's multiply-and-shift: no division, and a
    /// bias below bound / 2⁶⁴, far too small to show.
    @inline(__always)
    mutating func below(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(truncatingIfNeeded: bound)).high)
    }
}
