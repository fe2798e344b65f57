/// The Star Schema Benchmark's fixed vocabularies: regions, nations, segments, part words, order
/// priorities, ship modes and calendar names, as `tools/ssb-data.py` (and ssb-dbgen) write them.

/// Word lists and small constants of the SSB value domains.
enum SSBText {
    /// TPC-H's five regions.
    static let regions = ["AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"]

    /// TPC-H's 25 nations with the index of their region, in TPC-H nation-key order.
    static let nations: [(name: String, region: Int)] = [
        ("ALGERIA", 0), ("ARGENTINA", 1), ("BRAZIL", 1), ("CANADA", 1), ("EGYPT", 4), ("ETHIOPIA", 0),
        ("FRANCE", 3), ("GERMANY", 3), ("INDIA", 2), ("INDONESIA", 2), ("IRAN", 4), ("IRAQ", 4), ("JAPAN", 2),
        ("JORDAN", 4), ("KENYA", 0), ("MOROCCO", 0), ("MOZAMBIQUE", 0), ("PERU", 1), ("CHINA", 2),
        ("ROMANIA", 3), ("SAUDI ARABIA", 4), ("VIETNAM", 2), ("RUSSIA", 3), ("UNITED KINGDOM", 3),
        ("UNITED STATES", 1),
    ]

    /// Customer market segments.
    static let segments = ["AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"]

    /// The 92 colour words of part names and colours.
    static let colors = """
        almond antique aquamarine azure beige bisque black blanched blue blush brown burlywood burnished \
        chartreuse chiffon chocolate coral cornflower cornsilk cream cyan dark deep dim dodger drab firebrick \
        floral forest frosted gainsboro ghost goldenrod green grey honeydew hot indian ivory khaki lace lavender \
        lawn lemon light lime linen magenta maroon medium metallic midnight mint misty moccasin navajo navy olive \
        orange orchid pale papaya peach peru pink plum powder puff purple red rose rosy royal saddle salmon sandy \
        seashell sienna sky slate smoke snow spring steel tan thistle tomato turquoise violet wheat white yellow
        """.split(separator: " ").map(String.init)

    /// The three words of a part type.
    static let typeSizes = ["STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"]
    static let typeFinishes = ["ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"]
    static let typeMetals = ["TIN", "NICKEL", "BRASS", "STEEL", "COPPER"]

    /// The two words of a part container.
    static let containerSizes = ["SM", "LG", "MED", "JUMBO", "WRAP"]
    static let containerKinds = ["CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"]

    /// Order priorities (ssb-dbgen cuts "4-NOT SPECIFIED" to 11 characters).
    static let priorities = ["1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"]

    /// Ship modes.
    static let shipModes = ["REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"]

    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// Day names, Sunday first (SSB's d_daynuminweek 1 is Sunday).
    static let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]

    /// Holidays as month × 100 + day.
    static let holidays: Set<Int> = [101, 214, 530, 704, 901, 1111, 1125, 1224, 1225, 1231]

    /// The 65 characters addresses are drawn from.
    static let addressCharacters = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ,. ".utf8)

    /// The selling season of a month (1–12).
    static func season(month: Int) -> String {
        switch month {
        case 12: return "Christmas"
        case 1, 2: return "Winter"
        case 3...5: return "Spring"
        case 6...8: return "Summer"
        default: return "Fall"
        }
    }

    /// A nation's name cut or padded with spaces to the 9 characters that start its city names.
    static func cityPrefix(_ nation: String) -> String {
        let cut = String(nation.prefix(9))
        return cut + String(repeating: " ", count: 9 - cut.count)
    }
}

/// Words stored back to back in one byte array, so a row writer copies word `i` without a String.
struct WordList: Sendable {
    /// Every word's bytes, concatenated.
    let bytes: [UInt8]
    /// Word `i` is `bytes[starts[i]..<starts[i + 1]]`.
    let starts: [Int]

    init(_ words: [String]) {
        var bytes: [UInt8] = []
        var starts = [0]
        for word in words {
            bytes.append(contentsOf: word.utf8)
            starts.append(bytes.count)
        }
        self.bytes = bytes
        self.starts = starts
    }

    /// The number of words.
    var count: Int { starts.count - 1 }

    /// The longest word's length in bytes.
    var longest: Int {
        (0..<count).map { starts[$0 + 1] - starts[$0] }.max() ?? 0
    }

    /// Word `index` as a String (for tests and headers, not for hot loops).
    func word(_ index: Int) -> String {
        String(decoding: bytes[starts[index]..<starts[index + 1]], as: UTF8.self)
    }
}
