/// The retail dimensions as they stand on a given night — stores, products with their prices,
/// customers with their segments and cities — and how they change from one night to the next.

import StarlingColumns
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A store (SCD type 1: a new manager overwrites the old one).
struct RetailStore {
    let id: Int
    let name: String
    let type: Int
    let city: Int
    var manager: String
    let openedOn: Int64
}

/// A product's current version (SCD type 2 on category, subcategory and list price).
struct RetailProduct {
    let id: Int
    let name: String
    var category: Int
    var subcategory: Int
    let brand: String
    var priceCents: Int
}

/// A customer's current version (SCD type 2 on segment and city).
struct RetailCustomer {
    let id: Int
    let firstName: String
    let lastName: String
    var segment: Int
    var city: Int
    let joinedOn: Int64
    /// Tags delivered with the record (a field the schema does not load); empty for most.
    let tags: [String]
}

/// What changed on one night: indexes into the world's arrays, new rows last.
struct RetailChanges {
    var stores: [Int] = []
    var products: [Int] = []
    var customers: [Int] = []
}

/// Every store, product and customer known so far, and the popularity of the products.
struct RetailWorld {
    private(set) var stores: [RetailStore] = []
    private(set) var products: [RetailProduct] = []
    private(set) var customers: [RetailCustomer] = []
    /// Cumulative popularity weights of `products` (same order), for weighted draws.
    private(set) var productWeights: [Double] = []
    /// Cumulative traffic weights of `stores`.
    private(set) var storeWeights: [Double] = []

    static let initialProducts = 400
    static let initialCustomers = 2_000

    /// The world on the first night, `firstDay` (days since 1970-01-01).
    init(firstDay: Int64, random: inout SplitMix64) {
        for (index, store) in RetailTables.initialStores.enumerated() {
            stores.append(RetailStore(id: 101 + index, name: store.name, type: store.type, city: store.city,
                                      manager: RetailTables.managers[index % RetailTables.managers.count],
                                      openedOn: firstDay - Int64(store.age)))
        }
        for _ in 0..<Self.initialProducts { addProduct(random: &random) }
        for _ in 0..<Self.initialCustomers {
            addCustomer(joinedOn: firstDay - 1 - Int64(random.below(2_500)), random: &random)
        }
        rebuildStoreWeights()
    }

    /// Applies night `night`'s changes (night 2 onwards), effective on `day`, and returns them.
    mutating func advance(night: Int, day: Int64, random: inout SplitMix64) -> RetailChanges {
        var changes = RetailChanges()
        // Stores: now and then a new manager; every so many nights a new store.
        if random.chance(1.0 / 12) {
            let index = random.below(stores.count)
            stores[index].manager = RetailTables.managers[random.below(RetailTables.managers.count)]
            changes.stores.append(index)
        }
        let interval = RetailTables.storeOpeningInterval
        if night % interval == 0, night / interval - 1 < RetailTables.laterStores.count {
            let store = RetailTables.laterStores[night / interval - 1]
            stores.append(RetailStore(id: 101 + stores.count, name: store.name, type: store.type, city: store.city,
                                      manager: RetailTables.managers[random.below(RetailTables.managers.count)], openedOn: day))
            changes.stores.append(stores.count - 1)
            rebuildStoreWeights()
        }
        // Products: about 1% reprice, now and then one moves subcategory, a few launch.
        for index in products.indices where random.chance(0.01) {
            products[index].priceCents = Self.repriced(products[index].priceCents, random: &random)
            changes.products.append(index)
        }
        if random.chance(0.15) {
            let index = random.below(products.count)
            // Another category's subcategory (a range moved to another department).
            let count = RetailTables.categories.count
            let category = (products[index].category + 1 + random.below(count - 1)) % count
            products[index].category = category
            products[index].subcategory = random.below(RetailTables.categories[category].subcategories.count)
            if !changes.products.contains(index) { changes.products.append(index) }
        }
        if random.chance(0.2) {
            for _ in 0..<(1 + random.below(3)) {
                addProduct(random: &random)
                changes.products.append(products.count - 1)
            }
        }
        // Customers: about 0.2% change segment or move; about 0.4% new ones join.
        for index in customers.indices where random.chance(0.002) {
            if random.chance(0.5) {
                customers[index].segment = (customers[index].segment + 1 + random.below(2)) % RetailTables.segments.count
            } else {
                let count = RetailTables.cities.count
                customers[index].city = (customers[index].city + 1 + random.below(count - 1)) % count
            }
            changes.customers.append(index)
        }
        for _ in 0..<(1 + random.below(Self.initialCustomers / 125)) {
            addCustomer(joinedOn: day, random: &random)
            changes.customers.append(customers.count - 1)
        }
        return changes
    }

    /// A product drawn by popularity (a few best sellers, a long tail).
    func drawProduct(random: inout SplitMix64) -> Int {
        Self.draw(productWeights, random: &random)
    }

    /// A store drawn by its format's traffic.
    func drawStore(random: inout SplitMix64) -> Int {
        Self.draw(storeWeights, random: &random)
    }

    // MARK: Building

    private mutating func addProduct(random: inout SplitMix64) {
        let category = Self.drawCategory(random: &random)
        let table = RetailTables.categories[category]
        let subcategory = random.below(table.subcategories.count)
        let nouns = table.subcategories[subcategory].nouns
        let brand = table.brands[random.below(table.brands.count)]
        let name = "\(brand) \(nouns[random.below(nouns.count)]) \(RetailTables.variants[random.below(RetailTables.variants.count)])"
        // Log-uniform in the category's band, ending in .49 or .99.
        let low = Double(table.lowestPrice), high = Double(table.highestPrice)
        let raw = low * pow(high / low, random.unit())
        let price = max(49, (Int(raw) / 50) * 50 + (random.chance(0.7) ? 49 : 99) - 50)
        products.append(RetailProduct(id: 10_001 + products.count, name: name, category: category, subcategory: subcategory,
                                      brand: brand, priceCents: price))
        // Zipf-like popularity: weight 1 / rank^0.9 over a random rank.
        let rank = 1 + random.below(products.count * 2)
        let weight = 1.0 / pow(Double(rank), 0.9)
        productWeights.append((productWeights.last ?? 0) + weight)
    }

    private mutating func addCustomer(joinedOn: Int64, random: inout SplitMix64) {
        let segment = Self.drawSegment(random: &random)
        var tags: [String] = []
        if random.chance(0.2) {
            tags.append(RetailTables.tags[random.below(RetailTables.tags.count)])
            if random.chance(0.3) { tags.append(RetailTables.tags[random.below(RetailTables.tags.count)]) }
        }
        customers.append(RetailCustomer(id: 500_001 + customers.count,
                                        firstName: RetailTables.firstNames[random.below(RetailTables.firstNames.count)],
                                        lastName: RetailTables.lastNames[random.below(RetailTables.lastNames.count)],
                                        segment: segment, city: random.below(RetailTables.cities.count),
                                        joinedOn: joinedOn, tags: tags))
    }

    private mutating func rebuildStoreWeights() {
        var total = 0.0
        storeWeights = stores.map { store in
            total += RetailTables.storeTypes[store.type].traffic
            return total
        }
    }

    /// A new price 3–15% up (two times in three) or down, ending in .49 or .99.
    private static func repriced(_ cents: Int, random: inout SplitMix64) -> Int {
        let change = 0.03 + 0.12 * random.unit()
        let factor = random.chance(0.67) ? 1 + change : 1 - change
        let raw = Int(Double(cents) * factor)
        let rounded = (raw / 50) * 50 + 49
        return max(49, rounded == cents ? rounded + 50 : rounded)
    }

    private static func drawCategory(random: inout SplitMix64) -> Int {
        var point = random.unit() * RetailTables.categories.reduce(0) { $0 + $1.share }
        for (index, category) in RetailTables.categories.enumerated() {
            point -= category.share
            if point < 0 { return index }
        }
        return RetailTables.categories.count - 1
    }

    private static func drawSegment(random: inout SplitMix64) -> Int {
        var point = random.unit()
        for (index, segment) in RetailTables.segments.enumerated() {
            point -= segment.share
            if point < 0 { return index }
        }
        return 0
    }

    /// The index whose cumulative weight first exceeds a uniform point.
    private static func draw(_ cumulative: [Double], random: inout SplitMix64) -> Int {
        guard let total = cumulative.last, total > 0 else { return 0 }
        let point = random.unit() * total
        var low = 0, high = cumulative.count - 1
        while low < high {
            let middle = (low + high) / 2
            if cumulative[middle] > point { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
