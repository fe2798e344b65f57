/// One night of the citizen-service portal: the dimension extracts that changed (departments,
/// schemes, services, citizens) and the four fact extracts (applications, processing actions,
/// payments, service queries), each with its few rows made bad on purpose.

/// A row of a generated file that the loader should reject, and why.
public struct PortalDirtyRow: Sendable, Equatable {
    /// The 1-based line of the file the row starts on (the CSV header is line 1).
    public let line: Int
    public let kind: PortalDirtyKind
    /// The column whose value is bad; nil when the whole line is malformed.
    public let column: String?
}

/// One generated file's text and its dirty rows.
struct PortalFileContent {
    let extract: PortalExtract
    var text = PortalText()
    var dirty: [PortalDirtyRow] = []

    init(_ extract: PortalExtract) {
        self.extract = extract
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

    private struct Application {
        let id: String
        let citizen: Int
        let scheme: Int
        let channel: Int
        let secondOfDay: Int
        /// nil while pending.
        let approved: Bool?
        let processingDays: Int?
        let amountPaise: Int
        let office: String
        var dirty: PortalDirtyKind?
    }

    init(night: Int, day: Int64, seed: UInt64, scale: Double, truncated: Bool) {
        self.night = night
        self.day = day
        self.seed = seed
        self.scale = scale
        self.truncated = truncated
    }

    private func random(_ stream: UInt64) -> PortalRandom {
        PortalRandom(seed: seed, night: night, stream: stream)
    }

    private func scaled(_ base: Double, minimum: Int) -> Int {
        max(minimum, Int(base * scale))
    }

    /// Whether the night's day is a Saturday or Sunday (fewer applications).
    private var isWeekend: Bool {
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
            var late = PortalFileContent(.citizens)
            late.text.header(Self.citizenColumns + ["valid_from"])
            for id in world.lateCitizens { citizenLine(world.citizen(id), validFrom: day + 1, into: &late.text) }
            if late.text.rows > 0 { redeliveredCitizens = late }
        }
        files.append(processingActions(applications, world: world))
        files.append(payments(applications, world: world))
        files.append(serviceQueries())
    }

    // MARK: Dimensions

    private func departments(night: Int, only: [Int]? = nil) -> PortalFileContent {
        var file = PortalFileContent(.departments)
        file.text.header(["department_id", "name", "parent_department_id", "state"])
        for department in PortalReference.departments where only?.contains(department.id) ?? true {
            file.text.field(department.id)
            file.text.field(department.name)
            file.text.field(PortalWorld.departmentParent(department.id, night: night))
            file.text.field(PortalReference.homeState)
            file.text.endLine()
        }
        return file
    }

    private func schemes(world: PortalWorld, ids: [Int], withValidFrom: Bool) -> PortalFileContent {
        var file = PortalFileContent(.schemes)
        file.text.header(["scheme_id", "name", "category", "department_id", "sla_days", "fee"] + (withValidFrom ? ["valid_from"] : []))
        for id in ids {
            let scheme = PortalReference.schemes[id - 1]
            let state = world.schemes[id - 1]
            file.text.field(id)
            file.text.field(scheme.name)
            file.text.field(state.category)
            file.text.field(state.department)
            file.text.field(scheme.slaDays)
            file.text.field(PortalFormat.money(paise: scheme.feePaise))
            if withValidFrom { file.text.field(PortalFormat.date(day)) }
            file.text.endLine()
        }
        return file
    }

    private func services() -> PortalFileContent {
        var file = PortalFileContent(.services)
        file.text.header(["service_id", "name", "category", "department_id"])
        for service in PortalReference.services {
            file.text.field(service.id)
            file.text.field(service.name)
            file.text.field(service.category)
            file.text.field(service.department)
            file.text.endLine()
        }
        return file
    }

    static let citizenColumns = ["citizen_id", "gender", "birth_year", "state", "district", "city", "registered_on"]

    private func citizenLine(_ citizen: PortalWorld.Citizen, validFrom: Int64?, into text: inout PortalText) {
        let district = PortalReference.districts[citizen.district]
        text.field(citizen.id)
        text.field(citizen.gender)
        text.field(citizen.birthYear)
        text.field(district.state)
        text.field(district.name)
        text.field(district.cities[citizen.city])
        text.field(PortalFormat.date(citizen.registeredOn))
        if let validFrom { text.field(PortalFormat.date(validFrom)) }
        text.endLine()
    }

    /// Night 1: every citizen registered so far. Later nights: yesterday's late registrations,
    /// today's registrations and today's moves (a new district and city from today: SCD type 2).
    private func citizens(world: inout PortalWorld) -> PortalFileContent {
        var random = random(1)
        var file = PortalFileContent(.citizens)
        if night == 1 {
            file.text.header(Self.citizenColumns)
            for _ in 0..<scaled(20_000, minimum: 50) { _ = world.register(on: day, random: &random, registeredBefore: true) }
            world.deliverAll()
            for citizen in world.citizens { citizenLine(citizen, validFrom: nil, into: &file.text) }
            return file
        }
        file.text.header(Self.citizenColumns + ["valid_from"])
        let late = world.lateCitizens
        let existing = world.delivered
        for id in late { citizenLine(world.citizen(id), validFrom: day, into: &file.text) }
        var registered: [Int] = []
        for _ in 0..<scaled(40, minimum: 2) { registered.append(world.register(on: day, random: &random, registeredBefore: false)) }
        world.deliverAll()
        for id in registered { citizenLine(world.citizen(id), validFrom: day, into: &file.text) }
        let moving = random.distinctIndexes(scaled(12, minimum: 1), below: existing).map { $0 + 1 }.filter { !late.contains($0) }
        for id in moving {
            world.move(id, random: &random)
            citizenLine(world.citizen(id), validFrom: day, into: &file.text)
        }
        return file
    }

    // MARK: Applications

    private func makeApplications(world: inout PortalWorld) -> [Application] {
        var random = random(2)
        let count = scaled(isWeekend ? 800 : 1_500, minimum: 20)
        let written = truncated ? count - max(1, count / 20) : count
        // The dirty rows are among the rows written, never the last (cut short on the truncated night).
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: written), below: written - 1)
        let kinds: [PortalDirtyKind] = [.badDate, .unknownKey, .brokenQuote]
        var applications: [Application] = []
        applications.reserveCapacity(count)
        for index in 0..<count {
            let position = dirtyIndexes.firstIndex(of: index)
            let dirty = position.map { kinds[($0 + night) % kinds.count] }
            let schemeIndex = random.weighted(PortalReference.schemes.map(\.weight))
            let scheme = PortalReference.schemes[schemeIndex]
            let citizen = dirty == .unknownKey ? world.registerLate(on: day, random: &random) : world.anyDeliveredCitizen(&random).id
            let channel = random.weighted(PortalReference.channels.map(\.weight))
            let hour = channel >= 2 ? random.int(9...17) : random.weighted(PortalReference.queryHourWeights)
            let district = PortalReference.districts[world.citizen(citizen).district]
            var approved: Bool?
            var processingDays: Int?
            if !random.chance(6) {
                var rate = 78 + district.approvalBias
                if scheme.category == "Certificates" || scheme.category == "Land" { rate += 12 }
                if scheme.benefit >= 50_000 { rate -= 18 }
                approved = random.chance(Double(rate))
                let speed = Self.departmentSpeed[world.schemes[schemeIndex].department - 1]
                processingDays = max(0, Int(Double(scheme.slaDays) * speed * (0.2 + 1.3 * random.unit())))
            }
            var amount = 0
            if approved == true, scheme.benefit > 0 {
                amount = scheme.benefit * random.int(80...120) + random.int(0...99)
            }
            let office: String
            switch channel {
            case 2: office = "Aaple Sarkar Seva Kendra, " + district.cities[world.citizen(citizen).city]
            case 3: office = "Tahsil Office \"" + district.name + "\", " + district.state
            default: office = "Online"
            }
            applications.append(Application(
                id: random.uuid(), citizen: citizen, scheme: scheme.id, channel: channel,
                secondOfDay: hour * 3600 + random.int(0...3599), approved: approved, processingDays: processingDays,
                amountPaise: amount, office: office, dirty: dirty))
        }
        return applications
    }

    /// How fast each department works, as a share of its schemes' SLA (by department id − 1).
    static let departmentSpeed: [Double] = [1.0, 0.85, 1.05, 0.75, 1.3, 1.0, 1.25, 0.6, 1.1, 1.35, 1.4, 0.9]

    static let applicationColumns = [
        "application_id", "citizen_id", "scheme_id", "applied_on", "applied_at", "channel", "office", "status",
        "approved", "decided_on", "processing_days", "sla_days", "sla_met", "amount",
    ]

    private func applicationFile(_ applications: [Application], truncated: Bool, clean: Bool = false) -> PortalFileContent {
        var file = PortalFileContent(.applications)
        file.text.header(Self.applicationColumns)
        let written = truncated ? applications.count - max(1, applications.count / 20) : applications.count
        for application in applications.prefix(written) {
            let scheme = PortalReference.schemes[application.scheme - 1]
            let dirty = clean ? nil : application.dirty
            let line = file.text.rows + 2
            file.text.field(application.id)
            file.text.field(application.citizen)
            file.text.field(application.scheme)
            if dirty == .badDate {
                file.text.field(PortalFormat.badDate(day, variant: night + line))
                file.dirty.append(PortalDirtyRow(line: line, kind: .badDate, column: "applied_on"))
            } else {
                file.text.field(PortalFormat.date(day))
            }
            file.text.field(PortalFormat.localTimestamp(day: day, secondOfDay: application.secondOfDay))
            file.text.field(PortalReference.channels[application.channel].name)
            if dirty == .brokenQuote {
                file.text.brokenQuoteField("Aaple Sarkar Seva Kendra \"Ward " + String(line % 40 + 1) + "\", Pune")
                file.dirty.append(PortalDirtyRow(line: line, kind: .brokenQuote, column: nil))
            } else {
                file.text.field(application.office)
            }
            switch application.approved {
            case nil: file.text.field("pending")
            case true?: file.text.field("approved")
            case false?: file.text.field("rejected")
            }
            file.text.field(application.approved.map { $0 ? "true" : "false" })
            file.text.field(application.processingDays.map { PortalFormat.date(day + Int64($0)) })
            file.text.field(application.processingDays)
            file.text.field(scheme.slaDays)
            file.text.field(application.processingDays.map { $0 <= scheme.slaDays ? "true" : "false" })
            file.text.field(PortalFormat.money(paise: application.amountPaise))
            file.text.endLine()
            if dirty == .unknownKey {
                file.dirty.append(PortalDirtyRow(line: line, kind: .unknownKey, column: "citizen_id"))
            }
        }
        if truncated {
            file.text.truncateLastLine(keepingFields: 4)
            file.dirty.append(PortalDirtyRow(line: file.text.rows + 1, kind: .truncatedLine, column: nil))
        }
        return file
    }

    // MARK: Processing actions

    private struct Action {
        let application: String
        let department: Int
        let step: Int
        let type: String
        let decision: String
        let offset: Int
        let minutes: Int
        let remark: String?
    }

    static let processingColumns = [
        "action_id", "application_id", "applied_on", "department_id", "officer_id", "step", "action_type", "decision",
        "action_on", "processing_minutes", "remarks",
    ]

    /// One row per action an officer took on the night's applications: received, document
    /// check, field visit for some schemes, the decision, and the payment release of approved
    /// benefits.
    private func processingActions(_ applications: [Application], world: PortalWorld) -> PortalFileContent {
        var random = random(3)
        let remarks = [
            "Documents verified, forwarded to desk 2", "Applicant asked to re-upload \"income proof\"",
            "Site visited; boundaries match", "Auto-approved by rule engine", "Escalated: SLA at risk",
        ]
        var actions: [Action] = []
        actions.reserveCapacity(applications.count * 4)
        for application in applications {
            let scheme = PortalReference.schemes[application.scheme - 1]
            let department = world.schemes[application.scheme - 1].department
            let days = application.processingDays ?? random.int(1...max(1, scheme.slaDays))
            func remark() -> String? { random.chance(25) ? remarks[random.int(0...(remarks.count - 1))] : nil }
            actions.append(Action(application: application.id, department: department, step: 1, type: "received",
                                  decision: "accepted", offset: 0, minutes: random.int(2...8), remark: nil))
            let returned = random.chance(12)
            actions.append(Action(application: application.id, department: department, step: 2, type: "document check",
                                  decision: returned ? "returned" : "verified", offset: min(1, days),
                                  minutes: random.int(5...35), remark: remark()))
            var step = 3
            if scheme.fieldVisit {
                actions.append(Action(application: application.id, department: department, step: step, type: "field verification",
                                      decision: random.chance(85) ? "recommended" : "not recommended", offset: days / 2,
                                      minutes: random.int(45...240), remark: remark()))
                step += 1
            }
            guard let approved = application.approved else { continue }
            actions.append(Action(application: application.id, department: department, step: step, type: "decision",
                                  decision: approved ? "approved" : "rejected", offset: days,
                                  minutes: random.int(5...25), remark: remark()))
            if approved, application.amountPaise > 0 {
                actions.append(Action(application: application.id, department: department, step: step + 1, type: "payment release",
                                      decision: "released", offset: days, minutes: random.int(3...10), remark: nil))
            }
        }
        var file = PortalFileContent(.processingActions)
        file.text.header(Self.processingColumns)
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: actions.count), below: actions.count)
        let kinds: [PortalDirtyKind] = [.unknownKey, .brokenQuote, .badDate]
        for (index, action) in actions.enumerated() {
            let line = file.text.rows + 2
            let dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            file.text.field(night * 1_000_000 + index + 1)
            file.text.field(action.application)
            file.text.field(PortalFormat.date(day))
            if dirty == .unknownKey {
                file.text.field(99)
                file.dirty.append(PortalDirtyRow(line: line, kind: .unknownKey, column: "department_id"))
            } else {
                file.text.field(action.department)
            }
            file.text.field(action.department * 100 + random.int(1...6))
            file.text.field(action.step)
            file.text.field(action.type)
            file.text.field(action.decision)
            if dirty == .badDate {
                file.text.field(PortalFormat.badDate(day + Int64(action.offset), variant: 1))
                file.dirty.append(PortalDirtyRow(line: line, kind: .badDate, column: "action_on"))
            } else {
                file.text.field(PortalFormat.date(day + Int64(action.offset)))
            }
            file.text.field(action.minutes)
            if dirty == .brokenQuote {
                file.text.brokenQuoteField("Applicant asked to re-upload \"ration card\", twice")
                file.dirty.append(PortalDirtyRow(line: line, kind: .brokenQuote, column: nil))
            } else {
                file.text.field(action.remark)
            }
            file.text.endLine()
        }
        return file
    }

    // MARK: Payments

    /// NDJSON, one fee payment per application of a scheme with a fee, made when applying. The
    /// payer's district is a nested object; amounts are sometimes strings. The payment of an
    /// application by a late-arriving citizen names a citizen the warehouse does not hold yet.
    private func payments(_ applications: [Application], world: PortalWorld) -> PortalFileContent {
        var random = random(4)
        let paying = applications.filter { PortalReference.schemes[$0.scheme - 1].feePaise > 0 }
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: paying.count), below: paying.count)
        let kinds: [PortalDirtyKind] = [.badDate, .truncatedJSON]
        var file = PortalFileContent(.payments)
        let gateways = ["razorpay", "billdesk", "paygov", "counter"]
        for (index, application) in paying.enumerated() {
            let line = file.text.rows + 1
            var dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            if application.dirty == .unknownKey { dirty = .unknownKey }
            let citizen = world.citizen(application.citizen)
            let district = PortalReference.districts[citizen.district]
            let method = random.weighted(PortalReference.paymentMethods.map(\.weight))
            var object = JSONObject()
            object.string("payment_id", "PAY-" + PortalFormat.date(day).replacingDashes() + "-" + PortalFormat.pad(index + 1, width: 6))
            object.string("application_id", application.id)
            object.number("citizen_id", application.citizen, asString: index % 5 == 3)
            if dirty == .badDate {
                object.string("paid_on", PortalFormat.badDate(day, variant: 2))
                file.dirty.append(PortalDirtyRow(line: line, kind: .badDate, column: "paid_on"))
            } else {
                object.string("paid_on", PortalFormat.date(day))
            }
            object.string("paid_at", PortalFormat.localTimestamp(day: day, secondOfDay: min(86_399, application.secondOfDay + random.int(30...900))))
            object.string("method", PortalReference.paymentMethods[method].name)
            object.money("amount", paise: PortalReference.schemes[application.scheme - 1].feePaise, asString: index % 3 == 0)
            object.string("status", random.chance(97) ? "success" : "failed")
            var payer = JSONObject()
            payer.string("district", district.name)
            payer.string("state", district.state)
            object.object("payer", payer)
            var gateway = JSONObject()
            gateway.string("name", gateways[method == 3 ? 3 : random.int(0...2)])
            gateway.string("reference", String(random.next() % 1_000_000_000_000, radix: 36))
            object.object("gateway", gateway)
            if dirty == .truncatedJSON {
                let text = object.text
                file.text.line(String(text.prefix(text.count / 2)))
                file.dirty.append(PortalDirtyRow(line: line, kind: .truncatedJSON, column: nil))
            } else {
                file.text.line(object.text)
            }
            if dirty == .unknownKey {
                file.dirty.append(PortalDirtyRow(line: line, kind: .unknownKey, column: "citizen_id"))
            }
        }
        return file
    }

    // MARK: Service queries

    /// NDJSON, gzip-compressed: one row per query a citizen made on the portal that day.
    private func serviceQueries() -> PortalFileContent {
        var random = random(5)
        let count = scaled(isWeekend ? 4_500 : 6_000, minimum: 50)
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: count), below: count)
        let kinds: [PortalDirtyKind] = [.unknownKey, .badDate, .truncatedJSON]
        var file = PortalFileContent(.serviceQueries)
        for index in 0..<count {
            let line = file.text.rows + 1
            let dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            let service = PortalReference.services[random.weighted(PortalReference.services.map(\.weight))]
            let language = random.weighted(PortalReference.languages.map(\.weight))
            let hour = random.weighted(PortalReference.queryHourWeights)
            let slow = random.chance(3)
            let languageFactor = language == 1 ? 1.0 : 1.2
            let peakFactor = (10...13).contains(hour) || (18...20).contains(hour) ? 1.3 : 1.0
            var milliseconds = Double(service.baseMilliseconds) * languageFactor * peakFactor * (0.4 + 1.2 * random.unit())
            if slow { milliseconds *= Double(random.int(5...12)) }
            let success = !random.chance(slow ? 30 : 3)
            var object = JSONObject()
            object.number("query_id", night * 10_000_000 + index + 1)
            object.string("session_id", "s-" + String(random.next() % 1_000_000_000_000, radix: 36))
            object.number("service_id", dirty == .unknownKey ? 99 : service.id)
            object.string("query_type", PortalReference.queryTypes[random.weighted(PortalReference.queryTypes.map(\.weight))].name)
            object.string("language", PortalReference.languages[language].code)
            object.string("asked_on", dirty == .badDate ? PortalFormat.badDate(day, variant: 3) : PortalFormat.date(day))
            object.string("asked_at", PortalFormat.localTimestamp(day: day, secondOfDay: hour * 3600 + random.int(0...3599)))
            object.number("hour_of_day", hour)
            object.number("response_ms", Int(milliseconds), asString: index % 10 == 7)
            object.bool("success", success)
            object.number("result_count", success ? random.int(0...25) : 0)
            if random.chance(35) {
                object.number("satisfaction", success ? 1 + random.weighted([4, 6, 15, 40, 35]) : 1 + random.weighted([45, 35, 20]))
            }
            let device = random.int(0...(PortalReference.userAgents.count - 1))
            object.string("user_agent", PortalReference.userAgents[device])
            if random.chance(20) { object.raw("tags", device <= 1 ? "[\"mobile\", \"app\"]" : "[\"web\"]") }
            switch dirty {
            case .unknownKey?:
                file.dirty.append(PortalDirtyRow(line: line, kind: .unknownKey, column: "service_id"))
            case .badDate?:
                file.dirty.append(PortalDirtyRow(line: line, kind: .badDate, column: "asked_on"))
            default:
                break
            }
            if dirty == .truncatedJSON {
                let text = object.text
                file.text.line(String(text.prefix(text.count * 2 / 3)))
                file.dirty.append(PortalDirtyRow(line: line, kind: .truncatedJSON, column: nil))
            } else {
                file.text.line(object.text)
            }
        }
        return file
    }
}

extension String {
    /// `2025-03-01` → `20250301`.
    fileprivate func replacingDashes() -> String {
        String(unicodeScalars.filter { $0 != "-" })
    }
}
