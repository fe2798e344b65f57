/// One night of the citizen-service portal: the dimension extracts that changed (departments,
/// schemes, services, citizens) and the four fact extracts (applications, processing actions,
/// payments, service queries, in `PortalNight+Facts.swift`), each with its few rows made bad on
/// purpose.

import StarlingColumns

/// One generated file and its dirty rows.
struct PortalFileContent {
    let extract: PortalExtract
    /// The folder, relative to the output directory (`2025-03-01`, `redelivered/2025-03-15`).
    let folder: String
    var file: ExtractFile
    var dirty: [ExtractDefect] = []

    init(_ extract: PortalExtract, folder: String, columns: [String]) {
        self.extract = extract
        self.folder = folder
        file = ExtractFile(name: extract.fileName, layout: extract.isNDJSON ? .ndjson : .csv(), gzip: extract.isCompressed,
                           columns: columns)
    }

    /// Records the row on `line` as bad on purpose.
    mutating func defect(line: Int, _ kind: ExtractDefect.Kind, column: String?, _ detail: String) {
        dirty.append(ExtractDefect(file: folder + "/" + extract.fileName, line: line, table: extract.table, kind: kind,
                                   column: column, detail: detail))
    }
}

/// The files of one night, made in order from the shared ``PortalWorld``.
struct PortalNight {
    let night: Int
    let day: Int64
    let seed: UInt64
    let scale: Double
    /// Whether this night's application export stops early (the night that is re-delivered).
    let truncated: Bool

    /// The night's files, in load order (dimensions first).
    private(set) var files: [PortalFileContent] = []
    /// For the truncated night: the complete, corrected application extract the source system
    /// re-delivers later, and the late-arriving citizens it re-delivers with it.
    private(set) var redeliveredApplications: PortalFileContent?
    private(set) var redeliveredCitizens: PortalFileContent?

    /// The share of each fact file's rows made bad on purpose: one in `dirtyEvery`, at least one.
    static let dirtyEvery = 1_000

    /// The number of dirty rows in a fact file of `rows` rows.
    static func dirtyCount(rows: Int) -> Int { max(1, rows / dirtyEvery) }

    /// The local time zone of the portal's timestamps: India, UTC+05:30.
    static let utcOffsetMinutes = 330

    init(night: Int, day: Int64, seed: UInt64, scale: Double, truncated: Bool) {
        self.night = night
        self.day = day
        self.seed = seed
        self.scale = scale
        self.truncated = truncated
    }

    /// The night's folder: its date.
    var folder: String { CalendarDate(daysSinceEpoch: day).description }

    /// The folder of the corrected re-delivery of this night.
    var redeliveryFolder: String { "redelivered/" + folder }

    func random(_ stream: UInt64) -> SplitMix64 {
        SplitMix64.stream(seed: seed, night: night, purpose: stream)
    }

    func scaled(_ base: Double, minimum: Int) -> Int {
        max(minimum, Int(base * scale))
    }

    /// Whether the night's day is a Saturday or Sunday (fewer applications).
    var isWeekend: Bool {
        let weekday = ((day + 4) % 7 + 7) % 7  // 0 = Sunday
        return weekday == 0 || weekday == 6
    }

    /// Makes every file of the night, advancing `world`.
    mutating func make(world: inout PortalWorld) {
        if night == 1 {
            files.append(departments(night: 1))
        } else if PortalWorld.changesDepartments(night: night) {
            files.append(departments(night: night, only: [9]))
        }
        if night == 1 {
            files.append(schemes(world: world, ids: PortalReference.schemes.map(\.id), withValidFrom: false))
        } else if let changed = world.changeScheme(night: night) {
            files.append(schemes(world: world, ids: [changed], withValidFrom: true))
        }
        if night == 1 { files.append(services()) }
        files.append(citizens(world: &world))
        let applications = makeApplications(world: &world)
        files.append(applicationFile(applications, truncated: truncated))
        if truncated {
            redeliveredApplications = applicationFile(applications, truncated: false, clean: true)
            var late = PortalFileContent(.citizens, folder: redeliveryFolder, columns: Self.citizenColumns + ["valid_from"])
            for id in world.lateCitizens { late.file.append(citizenRow(world.citizen(id), validFrom: day + 1)) }
            if late.file.rows > 0 { redeliveredCitizens = late }
        }
        files.append(processingActions(applications, world: world))
        files.append(payments(applications, world: world))
        files.append(serviceQueries())
    }

    // MARK: Dimensions

    private func departments(night: Int, only: [Int]? = nil) -> PortalFileContent {
        var content = PortalFileContent(.departments, folder: folder, columns: ["department_id", "name", "parent_department_id", "state"])
        for department in PortalReference.departments where only?.contains(department.id) ?? true {
            content.file.append([.integer(department.id), .text(department.name),
                                 PortalWorld.departmentParent(department.id, night: night).map { .integer($0) } ?? .null,
                                 .text(PortalReference.homeState)])
        }
        return content
    }

    private func schemes(world: PortalWorld, ids: [Int], withValidFrom: Bool) -> PortalFileContent {
        var content = PortalFileContent(.schemes, folder: folder, columns: ["scheme_id", "name", "category", "department_id", "sla_days", "fee"]
                                            + (withValidFrom ? ["valid_from"] : []))
        for id in ids {
            let scheme = PortalReference.schemes[id - 1]
            let state = world.schemes[id - 1]
            content.file.append([.integer(id), .text(scheme.name), .text(state.category), .integer(state.department),
                                 .integer(scheme.slaDays), .decimal(units: scheme.feePaise, scale: 2)]
                                + (withValidFrom ? [.date(day)] : []))
        }
        return content
    }

    private func services() -> PortalFileContent {
        var content = PortalFileContent(.services, folder: folder, columns: ["service_id", "name", "category", "department_id"])
        for service in PortalReference.services {
            content.file.append([.integer(service.id), .text(service.name), .text(service.category), .integer(service.department)])
        }
        return content
    }

    static let citizenColumns = ["citizen_id", "gender", "birth_year", "state", "district", "city", "registered_on"]

    private func citizenRow(_ citizen: PortalWorld.Citizen, validFrom: Int64?) -> [ExtractValue] {
        let district = PortalReference.districts[citizen.district]
        return [.integer(citizen.id), .text(citizen.gender), .integer(citizen.birthYear), .text(district.state),
                .text(district.name), .text(district.cities[citizen.city]), .date(citizen.registeredOn)]
            + (validFrom.map { [.date($0)] } ?? [])
    }

    /// Night 1: every citizen registered so far. Later nights: yesterday's late registrations,
    /// today's registrations and today's moves (a new district and city from today: SCD type 2).
    private func citizens(world: inout PortalWorld) -> PortalFileContent {
        var random = random(1)
        if night == 1 {
            var content = PortalFileContent(.citizens, folder: folder, columns: Self.citizenColumns)
            for _ in 0..<scaled(20_000, minimum: 50) { _ = world.register(on: day, random: &random, registeredBefore: true) }
            world.deliverAll()
            for citizen in world.citizens { content.file.append(citizenRow(citizen, validFrom: nil)) }
            return content
        }
        var content = PortalFileContent(.citizens, folder: folder, columns: Self.citizenColumns + ["valid_from"])
        let late = world.lateCitizens
        let existing = world.delivered
        for id in late { content.file.append(citizenRow(world.citizen(id), validFrom: day)) }
        var registered: [Int] = []
        for _ in 0..<scaled(40, minimum: 2) { registered.append(world.register(on: day, random: &random, registeredBefore: false)) }
        world.deliverAll()
        for id in registered { content.file.append(citizenRow(world.citizen(id), validFrom: day)) }
        let moving = random.distinctIndexes(scaled(12, minimum: 1), below: existing).map { $0 + 1 }.filter { !late.contains($0) }
        for id in moving {
            world.move(id, random: &random)
            content.file.append(citizenRow(world.citizen(id), validFrom: day))
        }
        return content
    }
}
