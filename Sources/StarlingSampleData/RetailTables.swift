/// The fixed vocabulary of the retail sample data: regions and cities, store formats, the
/// product hierarchy (categories, subcategories, brands, price bands), customer names and
/// segments, and the seasonal and weekly shape of trade.

/// Reference data the retail generator draws from; nothing here is random.
enum RetailTables {
    /// A region and its cities.
    struct Region {
        let name: String
        let cities: [String]
    }

    static let regions: [Region] = [
        Region(name: "North", cities: ["Leeds", "Manchester", "Newcastle", "York"]),
        Region(name: "South", cities: ["London", "Brighton", "Southampton"]),
        Region(name: "East", cities: ["Norwich", "Cambridge", "Ipswich"]),
        Region(name: "West", cities: ["Bristol", "Cardiff", "Exeter"]),
        Region(name: "Central", cities: ["Birmingham", "Nottingham", "Leicester"]),
    ]

    /// Every city with its region, flattened: the index is a city's number.
    static let cities: [(city: String, region: String)] = regions.flatMap { region in
        region.cities.map { ($0, region.name) }
    }

    /// A store format: how much trade a store of it does, how big its baskets are, how often it
    /// discounts.
    struct StoreType {
        let name: String
        /// Relative sales lines per day.
        let traffic: Double
        /// Mean lines per basket.
        let basketLines: Double
        /// Share of lines sold at a discount outside promotion weeks.
        let discountShare: Double
    }

    static let storeTypes: [StoreType] = [
        StoreType(name: "Flagship", traffic: 3.0, basketLines: 3.2, discountShare: 0.10),
        StoreType(name: "Mall", traffic: 1.6, basketLines: 2.6, discountShare: 0.12),
        StoreType(name: "Neighbourhood", traffic: 0.8, basketLines: 1.7, discountShare: 0.08),
        StoreType(name: "Outlet", traffic: 1.1, basketLines: 2.3, discountShare: 0.45),
        StoreType(name: "Online", traffic: 2.4, basketLines: 3.6, discountShare: 0.15),
    ]

    /// The stores open on the first night: name, type (index into ``storeTypes``), city (index
    /// into ``cities``), days opened before the first night.
    static let initialStores: [(name: String, type: Int, city: Int, age: Int)] = [
        ("Leeds Briggate", 0, 0, 4_100), ("Manchester Arndale", 1, 1, 2_900), ("Newcastle Eldon", 1, 2, 2_300),
        ("York Minster Gate", 2, 3, 1_500), ("London Oxford Street", 0, 4, 5_200), ("Brighton Lanes", 2, 5, 1_200),
        ("Southampton Quays", 3, 6, 900), ("Norwich Market", 2, 7, 2_000), ("Cambridge Grand Arcade", 1, 8, 1_700),
        ("Bristol, Cabot Circus", 1, 10, 2_600), ("Cardiff Queen Street", 2, 11, 800), ("Exeter Outlet Park", 3, 12, 600),
        ("Birmingham Bullring", 0, 13, 3_800), ("Nottingham Victoria", 1, 14, 2_200), ("Leicester Highcross", 2, 15, 1_100),
        ("Online Shop", 4, 4, 3_000),
    ]

    /// Stores that open later, in order (one every ``storeOpeningInterval`` nights).
    static let laterStores: [(name: String, type: Int, city: Int)] = [
        ("Ipswich Buttermarket", 2, 9), ("Leeds White Rose", 1, 0), ("York Designer Outlet", 3, 3),
        ("London Canary Wharf", 1, 4), ("Birmingham Fort Outlet", 3, 13), ("Exeter Princesshay", 2, 12),
    ]

    /// Nights between store openings; the first opens on this night.
    static let storeOpeningInterval = 45

    /// A product category: its subcategories with their product nouns, its brands and its price
    /// band in cents.
    struct Category {
        let name: String
        let subcategories: [(name: String, nouns: [String])]
        let brands: [String]
        let lowestPrice: Int
        let highestPrice: Int
        /// Relative share of the catalogue.
        let share: Double
        /// Whether shoppers buy several at once (groceries).
        let multiBuy: Bool
    }

    static let categories: [Category] = [
        Category(name: "Grocery", subcategories: [
            ("Beverages", ["Cold Brew Coffee", "Tea, Earl Grey", "Sparkling Water", "Orange Juice", "Oat Drink"]),
            ("Snacks", ["Sea Salt Crisps", "Dark Chocolate", "Granola Bar", "Salted Almonds", "Rice Cakes"]),
            ("Pantry", ["Olive Oil", "Basmati Rice", "Penne Pasta", "Tomato Passata", "Peanut Butter"]),
        ], brands: ["Harvest Lane", "Blue Kettle", "Nordia", "Good Grain"], lowestPrice: 89, highestPrice: 1_299, share: 0.34, multiBuy: true),
        Category(name: "Household", subcategories: [
            ("Cleaning", ["Laundry Pods", "Dish Soap", "Microfibre Cloths", "Surface Spray"]),
            ("Kitchen", ["Chef's Knife", "Frying Pan", "Pizza Stone 12\"", "Measuring Jug", "Chopping Board"]),
            ("Storage", ["Storage Box", "Glass Jar Set", "Vacuum Bags", "Shoe Rack"]),
        ], brands: ["Brightway", "Homely", "Kitchenly"], lowestPrice: 199, highestPrice: 6_999, share: 0.18, multiBuy: false),
        Category(name: "Electronics", subcategories: [
            ("Audio", ["Wireless Earbuds", "Bluetooth Speaker", "Over-Ear Headphones", "Soundbar"]),
            ("Phone Accessories", ["USB-C Cable", "Power Bank", "Phone Case", "Wireless Charger"]),
            ("Small Appliances", ["Kettle", "Toaster", "Air Fryer", "Hand Blender"]),
        ], brands: ["Lumo", "Voltix", "Sonara"], lowestPrice: 799, highestPrice: 29_999, share: 0.14, multiBuy: false),
        Category(name: "Clothing", subcategories: [
            ("Menswear", ["Oxford Shirt", "Chinos", "Merino Jumper", "Rain Jacket"]),
            ("Womenswear", ["Linen Dress", "Denim Jacket", "Knit Cardigan", "Wide-Leg Trousers"]),
            ("Kidswear", ["Pyjama Set", "School Shirt", "Puffer Coat", "Wellies"]),
        ], brands: ["Northline", "Urbane", "Little Fox"], lowestPrice: 599, highestPrice: 8_999, share: 0.14, multiBuy: false),
        Category(name: "Health & Beauty", subcategories: [
            ("Skincare", ["Face Moisturiser", "SPF 50 Sun Cream", "Cleansing Gel", "Lip Balm"]),
            ("Haircare", ["Shampoo", "Conditioner", "Hair Oil", "Styling Paste"]),
            ("Vitamins", ["Vitamin D", "Multivitamin", "Omega-3", "Magnesium"]),
        ], brands: ["Purelle", "Vita+", "Glowhaus"], lowestPrice: 249, highestPrice: 3_499, share: 0.12, multiBuy: true),
        Category(name: "Toys & Games", subcategories: [
            ("Board Games", ["Strategy Game", "Family Quiz", "Word Game", "Card Game"]),
            ("Outdoor Play", ["Football", "Kite", "Scooter", "Water Blaster"]),
            ("Puzzles", ["1000-Piece Puzzle", "Wooden Puzzle", "Puzzle Cube", "3D Puzzle"]),
        ], brands: ["Playsmith", "Brickle", "Quest & Co"], lowestPrice: 399, highestPrice: 7_999, share: 0.08, multiBuy: false),
    ]

    /// Words that tell products of the same brand and noun apart.
    static let variants = ["Classic", "Original", "Pro", "Mini", "XL", "Family Pack", "Eco", "Deluxe", "Lite", "Max"]

    static let firstNames = ["Asha", "Bram", "Chen", "Dana", "Elif", "Femi", "Greta", "Hamid", "Ines", "Jonas", "Kiri",
                             "Liam", "Maya", "Noor", "Oskar", "Priya", "Quinn", "Rosa", "Sami", "Tomas", "Uma", "Viktor",
                             "Wren", "Yusuf", "Zoe", "Aoife", "Björn", "Chloé", "Dário", "Łucja"]
    static let lastNames = ["Khan", "Smith", "Okafor", "Nowak", "García", "Jones", "Patel", "O'Brien", "Müller", "Rossi",
                            "Taylor", "Nguyen", "Evans", "Haddad", "Kowalski", "Brown", "Sato", "Murphy", "Silva", "Ahmed"]

    /// Customer segments and their shares.
    static let segments: [(name: String, share: Double)] = [("Consumer", 0.72), ("Small Business", 0.19), ("Corporate", 0.09)]

    /// Tags some customer records carry (a field the warehouse does not load).
    static let tags = ["newsletter", "app", "student", "click-and-collect", "gift-card"]

    static let managers = ["A. Patel", "B. Okafor", "C. Lindqvist", "D. Murphy", "E. Rossi", "F. Haddad", "G. Nowak",
                           "H. Sato", "I. Evans", "J. Silva", "K. Brown", "L. Müller", "M. Khan", "N. García"]

    /// Sales lines relative to an average day, Monday (1) … Sunday (7): weekend peaks.
    static func weekdayFactor(_ isoWeekday: Int) -> Double {
        [0.84, 0.84, 0.9, 0.95, 1.12, 1.38, 1.17][max(0, min(6, isoWeekday - 1))]
    }

    /// Sales lines relative to an average day by month and day: a December bump rising towards
    /// Christmas, a quiet January.
    static func seasonFactor(month: Int, day: Int) -> Double {
        let monthly = [0.82, 0.85, 0.95, 0.97, 1.0, 1.0, 1.04, 1.04, 0.95, 1.0, 1.12, 1.45][max(0, min(11, month - 1))]
        if month == 12, day <= 24 { return monthly + 0.03 * Double(day) }
        if month == 12, day == 25 { return 0.35 }
        return monthly
    }

    /// Whether the day is in a sale period (the last week of November, 26–31 December, the
    /// first week of January), when more lines are discounted.
    static func isSalePeriod(month: Int, day: Int) -> Bool {
        (month == 11 && day >= 24) || (month == 12 && day >= 26) || (month == 1 && day <= 7)
    }
}
