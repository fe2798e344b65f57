/// What the portal's source systems hold as the nights go by: the registered citizens (with
/// their current district and city), the schemes (with their current category and department),
/// and the citizens who registered too late for a night's citizen extract.

import StarlingColumns

/// The state the nights share, changed night by night in order.
struct PortalWorld {
    struct Citizen {
        let id: Int
        let gender: String
        let birthYear: Int
        var district: Int
        var city: Int
        let registeredOn: Int64
    }

    struct SchemeState {
        var category: String
        var department: Int
    }

    /// Every citizen the portal knows, by id − 1.
    private(set) var citizens: [Citizen] = []
    /// Citizens `0..<delivered` have been in a citizen extract (or are in tonight's).
    private(set) var delivered = 0
    /// The current category and department of each scheme, by id − 1.
    private(set) var schemes: [SchemeState]
    /// Citizens who registered during a night after its citizen extract was cut: their
    /// applications of that night name a key the warehouse does not hold yet, and they arrive
    /// in the next night's extract.
    private(set) var lateCitizens: [Int] = []

    init() {
        schemes = PortalReference.schemes.map { SchemeState(category: $0.category, department: $0.department) }
    }

    /// Registers a citizen who lives in a district drawn by population; returns its id.
    mutating func register(on day: Int64, random: inout SplitMix64, registeredBefore: Bool) -> Int {
        let district = random.weighted(PortalReference.districts.map(\.weight))
        let cities = PortalReference.districts[district].cities.count
        let id = citizens.count + 1
        let genders = ["F", "M", "F", "M", "X"]
        citizens.append(Citizen(
            id: id, gender: genders[random.weighted([49, 49, 0, 0, 2])], birthYear: random.int(1940...2007),
            district: district, city: random.int(0...(cities - 1)),
            registeredOn: registeredBefore ? day - Int64(random.int(1...2_000)) : day))
        return id
    }

    /// Marks every citizen so far as delivered (tonight's citizen extract holds them).
    mutating func deliverAll() {
        delivered = citizens.count
        lateCitizens = []
    }

    /// Registers a citizen after tonight's extract was cut; returns its id.
    mutating func registerLate(on day: Int64, random: inout SplitMix64) -> Int {
        let id = register(on: day, random: &random, registeredBefore: false)
        lateCitizens.append(id)
        return id
    }

    /// A delivered citizen drawn uniformly.
    func anyDeliveredCitizen(_ random: inout SplitMix64) -> Citizen {
        citizens[random.int(0...(max(delivered, 1) - 1))]
    }

    func citizen(_ id: Int) -> Citizen { citizens[id - 1] }

    /// Moves citizen `id` to another district and city; returns the new values.
    mutating func move(_ id: Int, random: inout SplitMix64) {
        let districtCount = PortalReference.districts.count
        var district = random.weighted(PortalReference.districts.map(\.weight))
        if district == citizens[id - 1].district { district = (district + 1) % districtCount }
        citizens[id - 1].district = district
        citizens[id - 1].city = random.int(0...(PortalReference.districts[district].cities.count - 1))
    }

    /// Applies night `night`'s scheme change, if it has one; returns the changed scheme's id.
    mutating func changeScheme(night: Int) -> Int? {
        let interval = PortalReference.schemeChangeInterval
        guard night > interval, (night - 1) % interval == 0 else { return nil }
        let change = (night - 1) / interval
        let index = (change * 5 + 1) % schemes.count
        if change % 2 == 1 {
            // A reorganisation: the scheme moves to the next department that is not its own.
            var next = schemes[index].department % PortalReference.departments.count + 1
            if next == 1 { next = 2 }  // never the secretariat itself
            schemes[index].department = next
        } else {
            let categories = PortalReference.alternativeCategories
            schemes[index].category = categories[change / 2 % categories.count]
        }
        return index + 1
    }

    /// Whether night `night` delivers a department change.
    static func changesDepartments(night: Int) -> Bool {
        night == PortalReference.departmentChangeNight
    }

    /// The parent of department `id` as of night `night` (the Pensions Office moves under
    /// Revenue on ``PortalReference/departmentChangeNight``).
    static func departmentParent(_ id: Int, night: Int) -> Int? {
        if id == 9, night >= PortalReference.departmentChangeNight { return 2 }
        return PortalReference.departments[id - 1].parent
    }
}
