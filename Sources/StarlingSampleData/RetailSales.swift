/// One night's point-of-sale lines: baskets drawn store by store with weekend peaks, a December
/// bump, skewed product popularity, and discounts that make shoppers buy more.

import StarlingColumns

/// One line item of a sale, as the point-of-sale system exports it.
struct RetailSaleLine {
    let saleId: Int
    let lineNumber: Int
    let productId: Int
    /// Nil for a shopper without a loyalty card.
    let customerId: Int?
    let storeId: Int
    let quantity: Int
    let unitCents: Int
    let discountCents: Int
    var totalCents: Int { quantity * unitCents - discountCents }
}

/// Draws the sales lines of one day from the world as it stands that night.
enum RetailSales {
    /// Average sales lines per day at scale 1.
    static let linesPerDay = 3_000.0

    /// The sales lines of `day` (days since 1970-01-01), night `night` of a run that started on
    /// `firstDay`, at `scale`.
    static func lines(world: RetailWorld, night: Int, day: Int64, firstDay: Int64, scale: Double,
                      random: inout SplitMix64) -> [RetailSaleLine] {
        let date = CalendarDate(daysSinceEpoch: day)
        let weekday = Int(((day + 3) % 7 + 7) % 7) + 1
        let years = Double(day - firstDay) / 365.25
        let expected = linesPerDay * scale * RetailTables.weekdayFactor(weekday)
            * RetailTables.seasonFactor(month: date.month, day: date.day) * (1 + 0.08 * years)
        // ±5% day-to-day noise.
        let target = max(1, Int((expected * (0.95 + 0.1 * random.unit())).rounded()))
        let salePeriod = RetailTables.isSalePeriod(month: date.month, day: date.day)
        var lines: [RetailSaleLine] = []
        lines.reserveCapacity(target + 16)
        var sale = 0
        while lines.count < target {
            sale += 1
            let saleId = night * 10_000_000 + sale
            let store = world.stores[world.drawStore(random: &random)]
            let format = RetailTables.storeTypes[store.type]
            // Online shoppers always log in; in stores about two in three show a loyalty card.
            let member = store.type == 4 || random.chance(0.65)
            let customerId = member ? world.customers[random.below(world.customers.count)].id : nil
            // 1 + a geometric number of further lines, with the format's mean, at most 12.
            var count = 1
            let more = 1 - 1 / format.basketLines
            while count < 12, random.chance(more) { count += 1 }
            var chosen: [Int] = []
            for lineNumber in 1...count {
                var index = world.drawProduct(random: &random)
                for _ in 0..<3 where chosen.contains(index) { index = world.drawProduct(random: &random) }
                chosen.append(index)
                let product = world.products[index]
                let discountShare = min(0.9, format.discountShare * (salePeriod ? 2.5 : 1))
                let rate = random.chance(discountShare) ? [10, 15, 20, 25, 30, 40][random.below(store.type == 3 ? 6 : 4)] : 0
                let quantity = quantity(multiBuy: RetailTables.categories[product.category].multiBuy, discounted: rate > 0,
                                        random: &random)
                let gross = quantity * product.priceCents
                let discount = (gross * rate + 50) / 100
                lines.append(RetailSaleLine(saleId: saleId, lineNumber: lineNumber, productId: product.id,
                                            customerId: customerId, storeId: store.id, quantity: quantity,
                                            unitCents: product.priceCents, discountCents: discount))
            }
        }
        return lines
    }

    /// Mostly 1, sometimes 2 or 3, rarely up to 6; more for groceries and toiletries, and more
    /// again when the line is discounted.
    private static func quantity(multiBuy: Bool, discounted: Bool, random: inout SplitMix64) -> Int {
        let point = random.unit()
        var quantity = point < 0.66 ? 1 : point < 0.88 ? 2 : point < 0.96 ? 3 : 4 + random.below(3)
        if multiBuy, random.chance(0.3) { quantity += 1 }
        if discounted, random.chance(0.35) { quantity += 1 }
        return quantity
    }
}
