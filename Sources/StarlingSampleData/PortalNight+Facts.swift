/// The four fact extracts of a portal night: applications (gzip CSV, cut short on the
/// re-delivered night), processing actions (CSV), fee payments (NDJSON) and service queries (gzip
/// NDJSON), each with max(1, ⌊rows / 1000⌋) rows made bad on purpose.

import StarlingColumns

extension PortalNight {
    struct Application {
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
        var dirty: ExtractDefect.Kind?
    }

    // MARK: Applications

    func makeApplications(world: inout PortalWorld) -> [Application] {
        var random = random(2)
        let count = scaled(isWeekend ? 800 : 1_500, minimum: 20)
        let written = truncated ? count - max(1, count / 20) : count
        // The dirty rows are among the rows written, never the last (cut short on the truncated night).
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: written), below: written - 1)
        let kinds: [ExtractDefect.Kind] = [.badDate, .unknownKey, .brokenQuote]
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
            if !random.chance(0.06) {
                var rate = 78 + district.approvalBias
                if scheme.category == "Certificates" || scheme.category == "Land" { rate += 12 }
                if scheme.benefit >= 50_000 { rate -= 18 }
                approved = random.chance(Double(rate) / 100)
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

    /// The night's applications; `truncated`: about 5% missing and the last line cut; `clean`:
    /// no dirty rows (the corrected re-delivery).
    func applicationFile(_ applications: [Application], truncated: Bool, clean: Bool = false) -> PortalFileContent {
        var content = PortalFileContent(.applications, folder: clean ? redeliveryFolder : folder, columns: Self.applicationColumns)
        let written = truncated ? applications.count - max(1, applications.count / 20) : applications.count
        for application in applications.prefix(written) {
            let scheme = PortalReference.schemes[application.scheme - 1]
            let dirty = clean ? nil : application.dirty
            let line = content.file.nextLine
            var appliedOn = ExtractValue.date(day)
            var office = ExtractValue.text(application.office)
            switch dirty {
            case .badDate?:
                appliedOn = .malformedDate(day, ExtractValue.MalformedDate.allCases[(night + line) % 4])
                content.defect(line: line, .badDate, column: "applied_on", "applied_on is not a YYYY-MM-DD date")
            case .brokenQuote?:
                office = .brokenQuote("Aaple Sarkar Seva Kendra \"Ward " + String(line % 40 + 1) + "\", Pune")
                content.defect(line: line, .brokenQuote, column: nil, "office: quotes inside a quoted field not doubled")
            case .unknownKey?:
                content.defect(line: line, .unknownKey, column: "citizen_id",
                               "citizen \(application.citizen) registered after the night's citizen extract; delivered the next night")
            default:
                break
            }
            let status = application.approved.map { $0 ? "approved" : "rejected" } ?? "pending"
            content.file.append([
                .text(application.id), .integer(application.citizen), .integer(application.scheme), appliedOn,
                .localTimestamp(day: day, second: application.secondOfDay, utcOffsetMinutes: Self.utcOffsetMinutes),
                .text(PortalReference.channels[application.channel].name), office, .text(status),
                application.approved.map { .boolean($0) } ?? .null,
                application.processingDays.map { .date(day + Int64($0)) } ?? .null,
                application.processingDays.map { .integer($0) } ?? .null, .integer(scheme.slaDays),
                application.processingDays.map { .boolean($0 <= scheme.slaDays) } ?? .null,
                .decimal(units: application.amountPaise, scale: 2),
            ])
        }
        if truncated {
            content.file.cutLastRow(afterFields: 4)
            content.defect(line: content.file.nextLine - 1, .truncatedLine, column: nil, "the export stopped in the middle of its last line")
        }
        return content
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
    func processingActions(_ applications: [Application], world: PortalWorld) -> PortalFileContent {
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
            func remark() -> String? { random.chance(0.25) ? remarks[random.int(0...(remarks.count - 1))] : nil }
            actions.append(Action(application: application.id, department: department, step: 1, type: "received",
                                  decision: "accepted", offset: 0, minutes: random.int(2...8), remark: nil))
            let returned = random.chance(0.12)
            actions.append(Action(application: application.id, department: department, step: 2, type: "document check",
                                  decision: returned ? "returned" : "verified", offset: min(1, days),
                                  minutes: random.int(5...35), remark: remark()))
            var step = 3
            if scheme.fieldVisit {
                actions.append(Action(application: application.id, department: department, step: step, type: "field verification",
                                      decision: random.chance(0.85) ? "recommended" : "not recommended", offset: days / 2,
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
        var content = PortalFileContent(.processingActions, folder: folder, columns: Self.processingColumns)
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: actions.count), below: actions.count)
        let kinds: [ExtractDefect.Kind] = [.unknownKey, .brokenQuote, .badDate]
        for (index, action) in actions.enumerated() {
            let line = content.file.nextLine
            let dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            var department = ExtractValue.integer(action.department)
            var actionOn = ExtractValue.date(day + Int64(action.offset))
            var remark = action.remark.map { ExtractValue.text($0) } ?? .null
            switch dirty {
            case .unknownKey?:
                department = .integer(99)
                content.defect(line: line, .unknownKey, column: "department_id", "department_id 99 is in no dim_department delivery")
            case .badDate?:
                actionOn = .malformedDate(day + Int64(action.offset), .dayZero)
                content.defect(line: line, .badDate, column: "action_on", "action_on is not a YYYY-MM-DD date")
            case .brokenQuote?:
                remark = .brokenQuote("Applicant asked to re-upload \"ration card\", twice")
                content.defect(line: line, .brokenQuote, column: nil, "remarks: quotes inside a quoted field not doubled")
            default:
                break
            }
            content.file.append([
                .integer(night * 1_000_000 + index + 1), .text(action.application), .date(day), department,
                .integer(action.department * 100 + random.int(1...6)), .integer(action.step), .text(action.type),
                .text(action.decision), actionOn, .integer(action.minutes), remark,
            ])
        }
        return content
    }

    // MARK: Payments

    static let paymentColumns = ["payment_id", "application_id", "citizen_id", "paid_on", "paid_at", "method", "amount", "status",
                                 "payer", "gateway"]

    /// NDJSON, one fee payment per application of a scheme with a fee, made when applying. The
    /// payer's district is a nested object; amounts are sometimes strings. The payment of an
    /// application by a late-arriving citizen names a citizen the warehouse does not hold yet.
    func payments(_ applications: [Application], world: PortalWorld) -> PortalFileContent {
        var random = random(4)
        let paying = applications.filter { PortalReference.schemes[$0.scheme - 1].feePaise > 0 }
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: paying.count), below: paying.count)
        let kinds: [ExtractDefect.Kind] = [.badDate, .truncatedJSON]
        var content = PortalFileContent(.payments, folder: folder, columns: Self.paymentColumns)
        let gateways = ["razorpay", "billdesk", "paygov", "counter"]
        let compactDay = CalendarDate(daysSinceEpoch: day).description.filter { $0 != "-" }
        for (index, application) in paying.enumerated() {
            let line = content.file.nextLine
            var dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            if application.dirty == .unknownKey { dirty = .unknownKey }
            let district = PortalReference.districts[world.citizen(application.citizen).district]
            let method = random.weighted(PortalReference.paymentMethods.map(\.weight))
            var paidOn = ExtractValue.date(day)
            if dirty == .badDate {
                paidOn = .malformedDate(day, .compact)
                content.defect(line: line, .badDate, column: "paid_on", "paid_on is not a YYYY-MM-DD date")
            }
            let paidAt = min(86_399, application.secondOfDay + random.int(30...900))
            let fee = PortalReference.schemes[application.scheme - 1].feePaise
            let status = random.chance(0.97) ? "success" : "failed"
            let gateway = gateways[method == 3 ? 3 : random.int(0...2)]
            let reference = String(random.next() % 1_000_000_000_000, radix: 36)
            let values: [ExtractValue] = [
                .text("PAY-" + compactDay + "-" + ExtractValue.zeroPadded(index + 1, width: 6)), .text(application.id),
                index % 5 == 3 ? .text(String(application.citizen)) : .integer(application.citizen), paidOn,
                .localTimestamp(day: day, second: paidAt, utcOffsetMinutes: Self.utcOffsetMinutes),
                .text(PortalReference.paymentMethods[method].name),
                index % 3 == 0 ? .text(ExtractFile.formatDecimal(units: fee, scale: 2)) : .decimal(units: fee, scale: 2),
                .text(status), .object([("district", .text(district.name)), ("state", .text(district.state))]),
                .object([("name", .text(gateway)), ("reference", .text(reference))]),
            ]
            if dirty == .truncatedJSON {
                content.file.appendCut(values, keeping: 1.0 / 2)
                content.defect(line: line, .truncatedJSON, column: nil, "the line stops in the middle of its JSON object")
            } else {
                content.file.append(values)
            }
            if dirty == .unknownKey {
                content.defect(line: line, .unknownKey, column: "citizen_id",
                               "citizen \(application.citizen) registered after the night's citizen extract; delivered the next night")
            }
        }
        return content
    }

    // MARK: Service queries

    static let queryColumns = ["query_id", "session_id", "service_id", "query_type", "language", "asked_on", "asked_at", "hour_of_day",
                               "response_ms", "success", "result_count", "satisfaction", "user_agent", "tags"]

    /// NDJSON, gzip-compressed: one row per query a citizen made on the portal that day.
    func serviceQueries() -> PortalFileContent {
        var random = random(5)
        let count = scaled(isWeekend ? 4_500 : 6_000, minimum: 50)
        let dirtyIndexes = random.distinctIndexes(Self.dirtyCount(rows: count), below: count)
        let kinds: [ExtractDefect.Kind] = [.unknownKey, .badDate, .truncatedJSON]
        var content = PortalFileContent(.serviceQueries, folder: folder, columns: Self.queryColumns)
        for index in 0..<count {
            let line = content.file.nextLine
            let dirty = dirtyIndexes.firstIndex(of: index).map { kinds[($0 + night) % kinds.count] }
            let service = PortalReference.services[random.weighted(PortalReference.services.map(\.weight))]
            let language = random.weighted(PortalReference.languages.map(\.weight))
            let hour = random.weighted(PortalReference.queryHourWeights)
            let slow = random.chance(0.03)
            let languageFactor = language == 1 ? 1.0 : 1.2
            let peakFactor = (10...13).contains(hour) || (18...20).contains(hour) ? 1.3 : 1.0
            var milliseconds = Double(service.baseMilliseconds) * languageFactor * peakFactor * (0.4 + 1.2 * random.unit())
            if slow { milliseconds *= Double(random.int(5...12)) }
            let success = !random.chance(slow ? 0.3 : 0.03)
            let session = "s-" + String(random.next() % 1_000_000_000_000, radix: 36)
            let queryType = PortalReference.queryTypes[random.weighted(PortalReference.queryTypes.map(\.weight))].name
            let askedAt = hour * 3600 + random.int(0...3599)
            let results = success ? random.int(0...25) : 0
            var satisfaction = ExtractValue.absent
            if random.chance(0.35) {
                satisfaction = .integer(success ? 1 + random.weighted([4, 6, 15, 40, 35]) : 1 + random.weighted([45, 35, 20]))
            }
            let device = random.int(0...(PortalReference.userAgents.count - 1))
            var tags = ExtractValue.absent
            if random.chance(0.2) { tags = .array((device <= 1 ? ["mobile", "app"] : ["web"]).map { .text($0) }) }
            let values: [ExtractValue] = [
                .integer(night * 10_000_000 + index + 1), .text(session), .integer(dirty == .unknownKey ? 99 : service.id),
                .text(queryType), .text(PortalReference.languages[language].code),
                dirty == .badDate ? .malformedDate(day, .february30) : .date(day),
                .localTimestamp(day: day, second: askedAt, utcOffsetMinutes: Self.utcOffsetMinutes), .integer(hour),
                index % 10 == 7 ? .text(String(Int(milliseconds))) : .integer(Int(milliseconds)), .boolean(success),
                .integer(results), satisfaction, .text(PortalReference.userAgents[device]), tags,
            ]
            switch dirty {
            case .unknownKey?:
                content.defect(line: line, .unknownKey, column: "service_id", "service_id 99 is in no dim_service delivery")
                content.file.append(values)
            case .badDate?:
                content.defect(line: line, .badDate, column: "asked_on", "asked_on is not a YYYY-MM-DD date")
                content.file.append(values)
            case .truncatedJSON?:
                content.file.appendCut(values, keeping: 2.0 / 3)
                content.defect(line: line, .truncatedJSON, column: nil, "the line stops in the middle of its JSON object")
            default:
                content.file.append(values)
            }
        }
        return content
    }
}
