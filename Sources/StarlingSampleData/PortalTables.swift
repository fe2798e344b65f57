/// The citizen-service portal's extract files — which table each one loads into and in what
/// format — and the fixed reference data the generated nights draw from: departments (a
/// hierarchy), schemes, services, districts and cities, channels, languages and query types.

/// One kind of extract file the portal delivers each night.
public enum PortalExtract: String, CaseIterable, Sendable {
    case departments
    case schemes
    case services
    case citizens
    case applications
    case processingActions = "processing_actions"
    case payments
    case serviceQueries = "service_queries"

    /// The file's name inside a night's folder; the suffix tells the loader the format and the
    /// compression.
    public var fileName: String {
        switch self {
        case .departments: "departments.csv"
        case .schemes: "schemes.csv"
        case .services: "services.csv"
        case .citizens: "citizens.csv"
        case .applications: "applications.csv.gz"
        case .processingActions: "processing_actions.csv"
        case .payments: "payments.ndjson"
        case .serviceQueries: "service_queries.ndjson.gz"
        }
    }

    /// The warehouse table (`examples/portal/schema.sql`) the file loads into.
    public var table: String {
        switch self {
        case .departments: "dim_department"
        case .schemes: "dim_scheme"
        case .services: "dim_service"
        case .citizens: "dim_citizen"
        case .applications: "fact_service_applications"
        case .processingActions: "fact_application_processing"
        case .payments: "fact_payments"
        case .serviceQueries: "fact_service_queries"
        }
    }

    /// Whether the file holds fact rows (loaded after the night's dimension files).
    public var isFact: Bool {
        switch self {
        case .departments, .schemes, .services, .citizens: false
        default: true
        }
    }

    /// Whether the file is newline-delimited JSON (else CSV with a header).
    public var isNDJSON: Bool { self == .payments || self == .serviceQueries }

    /// Whether the file is gzip-compressed.
    public var isCompressed: Bool { fileName.hasSuffix(".gz") }
}

/// Fixed reference data of the generated portal.
enum PortalReference {
    /// The state every department belongs to, and most citizens live in.
    static let homeState = "Maharashtra"

    struct Department {
        let id: Int
        let name: String
        let parent: Int?
    }

    /// The department hierarchy: the secretariat at the top, departments under it, offices under
    /// those.
    static let departments: [Department] = [
        Department(id: 1, name: "State Secretariat", parent: nil),
        Department(id: 2, name: "Revenue", parent: 1),
        Department(id: 3, name: "Social Justice", parent: 1),
        Department(id: 4, name: "Public Health", parent: 1),
        Department(id: 5, name: "Higher Education", parent: 1),
        Department(id: 6, name: "Agriculture", parent: 1),
        Department(id: 7, name: "Urban Development", parent: 1),
        Department(id: 8, name: "Land Records", parent: 2),
        Department(id: 9, name: "Pensions Office", parent: 3),
        Department(id: 10, name: "Scholarships Cell", parent: 5),
        Department(id: 11, name: "Crop Insurance Cell", parent: 6),
        Department(id: 12, name: "Municipal Services", parent: 7),
    ]

    /// The night (1-based) on which the Pensions Office moves under Revenue (a type 1 change of
    /// `dim_department`).
    static let departmentChangeNight = 10

    struct Scheme {
        let id: Int
        let name: String
        let category: String
        let department: Int
        let slaDays: Int
        /// The application fee, in paise (0: free).
        let feePaise: Int
        /// The typical benefit, in rupees (0: a certificate or licence, no money).
        let benefit: Int
        /// Whether an officer visits before deciding (a field verification action).
        let fieldVisit: Bool
        /// Relative popularity.
        let weight: Int
    }

    static let schemes: [Scheme] = [
        Scheme(id: 1, name: "Old Age Pension", category: "Pension", department: 9, slaDays: 30, feePaise: 0, benefit: 1_500, fieldVisit: false, weight: 8),
        Scheme(id: 2, name: "Post-Matric Scholarship", category: "Education", department: 10, slaDays: 30, feePaise: 0, benefit: 12_000, fieldVisit: false, weight: 10),
        Scheme(id: 3, name: "Income Certificate", category: "Certificates", department: 2, slaDays: 7, feePaise: 3_360, benefit: 0, fieldVisit: false, weight: 20),
        Scheme(id: 4, name: "Caste Certificate", category: "Certificates", department: 2, slaDays: 21, feePaise: 5_720, benefit: 0, fieldVisit: false, weight: 12),
        Scheme(id: 5, name: "Domicile Certificate", category: "Certificates", department: 2, slaDays: 15, feePaise: 3_360, benefit: 0, fieldVisit: false, weight: 12),
        Scheme(id: 6, name: "Crop Insurance Claim", category: "Agriculture", department: 11, slaDays: 30, feePaise: 0, benefit: 8_000, fieldVisit: true, weight: 6),
        Scheme(id: 7, name: "Farm Pond Subsidy", category: "Agriculture", department: 6, slaDays: 45, feePaise: 10_000, benefit: 50_000, fieldVisit: true, weight: 3),
        Scheme(id: 8, name: "Housing Assistance", category: "Housing", department: 7, slaDays: 60, feePaise: 0, benefit: 120_000, fieldVisit: true, weight: 4),
        Scheme(id: 9, name: "Maternity Benefit", category: "Health", department: 4, slaDays: 15, feePaise: 0, benefit: 5_000, fieldVisit: false, weight: 5),
        Scheme(id: 10, name: "Health Insurance Card", category: "Health", department: 4, slaDays: 7, feePaise: 0, benefit: 0, fieldVisit: false, weight: 9),
        Scheme(id: 11, name: "Widow Pension", category: "Pension", department: 9, slaDays: 30, feePaise: 0, benefit: 1_500, fieldVisit: false, weight: 3),
        Scheme(id: 12, name: "Disability Pension", category: "Pension", department: 9, slaDays: 30, feePaise: 0, benefit: 1_800, fieldVisit: true, weight: 2),
        Scheme(id: 13, name: "Land Record Extract (7/12)", category: "Land", department: 8, slaDays: 3, feePaise: 1_500, benefit: 0, fieldVisit: false, weight: 15),
        Scheme(id: 14, name: "Property Mutation", category: "Land", department: 8, slaDays: 30, feePaise: 10_000, benefit: 0, fieldVisit: true, weight: 4),
        Scheme(id: 15, name: "Trade Licence", category: "Business", department: 12, slaDays: 15, feePaise: 50_000, benefit: 0, fieldVisit: true, weight: 4),
        Scheme(id: 16, name: "Water Connection", category: "Utilities", department: 12, slaDays: 21, feePaise: 120_000, benefit: 0, fieldVisit: true, weight: 5),
    ]

    /// Scheme changes (SCD type 2 of `dim_scheme`): every `schemeChangeInterval` nights, from
    /// night `schemeChangeInterval + 1`, one scheme moves department or category.
    static let schemeChangeInterval = 7

    /// The departments and categories a scheme may move to.
    static let alternativeCategories = ["Welfare", "Social Security", "Rural Development", "Citizen Services"]

    struct Service {
        let id: Int
        let name: String
        let category: String
        let department: Int
        /// Typical response time in ms.
        let baseMilliseconds: Int
        let weight: Int
    }

    static let services: [Service] = [
        Service(id: 1, name: "Application status", category: "Tracking", department: 1, baseMilliseconds: 120, weight: 30),
        Service(id: 2, name: "Certificate download", category: "Documents", department: 2, baseMilliseconds: 450, weight: 14),
        Service(id: 3, name: "Scheme eligibility", category: "Discovery", department: 3, baseMilliseconds: 260, weight: 12),
        Service(id: 4, name: "Grievance", category: "Support", department: 1, baseMilliseconds: 300, weight: 6),
        Service(id: 5, name: "Payment status", category: "Tracking", department: 2, baseMilliseconds: 180, weight: 10),
        Service(id: 6, name: "Document upload", category: "Documents", department: 1, baseMilliseconds: 900, weight: 8),
        Service(id: 7, name: "Appointment booking", category: "Support", department: 7, baseMilliseconds: 350, weight: 5),
        Service(id: 8, name: "Land record lookup", category: "Discovery", department: 8, baseMilliseconds: 700, weight: 9),
        Service(id: 9, name: "Scholarship search", category: "Discovery", department: 10, baseMilliseconds: 220, weight: 4),
        Service(id: 10, name: "Pension status", category: "Tracking", department: 9, baseMilliseconds: 160, weight: 2),
    ]

    struct District {
        let name: String
        let state: String
        let cities: [String]
        let weight: Int
        /// Percentage points added to (or taken from) the approval rate of its applications.
        let approvalBias: Int
    }

    static let districts: [District] = [
        District(name: "Pune", state: homeState, cities: ["Pune", "Pimpri-Chinchwad", "Baramati"], weight: 16, approvalBias: 4),
        District(name: "Mumbai Suburban", state: homeState, cities: ["Andheri", "Borivali", "Kurla"], weight: 15, approvalBias: 2),
        District(name: "Thane", state: homeState, cities: ["Thane", "Kalyan", "Navi Mumbai"], weight: 14, approvalBias: 0),
        District(name: "Nagpur", state: homeState, cities: ["Nagpur", "Kamptee"], weight: 9, approvalBias: -3),
        District(name: "Nashik", state: homeState, cities: ["Nashik", "Malegaon"], weight: 8, approvalBias: -1),
        District(name: "Chhatrapati Sambhajinagar", state: homeState, cities: ["Chhatrapati Sambhajinagar", "Paithan"], weight: 7, approvalBias: -6),
        District(name: "Kolhapur", state: homeState, cities: ["Kolhapur", "Ichalkaranji"], weight: 6, approvalBias: 6),
        District(name: "Solapur", state: homeState, cities: ["Solapur", "Pandharpur"], weight: 6, approvalBias: -8),
        District(name: "Ratnagiri", state: homeState, cities: ["Ratnagiri", "Chiplun"], weight: 3, approvalBias: 3),
        District(name: "Belagavi", state: "Karnataka", cities: ["Belagavi", "Nipani"], weight: 2, approvalBias: -10),
    ]

    /// Where applications are made (weights in percent).
    static let channels: [(name: String, weight: Int)] = [("web", 46), ("mobile", 30), ("service centre", 18), ("counter", 6)]

    /// Languages of the portal's queries (weights in percent).
    static let languages: [(code: String, weight: Int)] = [("mr", 41), ("en", 27), ("hi", 24), ("ur", 3), ("kn", 2), ("gu", 2), ("ta", 1)]

    static let queryTypes: [(name: String, weight: Int)] = [
        ("status", 34), ("search", 22), ("eligibility", 14), ("download", 15), ("faq", 10), ("complaint", 5),
    ]

    static let paymentMethods: [(name: String, weight: Int)] = [("upi", 62), ("card", 14), ("net banking", 16), ("cash", 8)]

    static let userAgents = [
        "Mozilla/5.0 (Linux; Android 14; Mobile) MahaSeva/3.2",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) MahaSeva/3.2",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0",
        "Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0",
        "KioskClient/1.8 (Service Centre)",
    ]

    /// Hourly weights (0–23, local time) of citizens' queries: a morning and an evening peak.
    static let queryHourWeights = [2, 1, 1, 1, 1, 2, 4, 8, 12, 17, 21, 22, 20, 17, 15, 15, 16, 18, 21, 23, 20, 14, 8, 4]
}
