/// PostgreSQL's catalog functions, for the queries clients send to browse the schema:
/// `pg_table_is_visible`, `pg_type_is_visible`, `pg_get_userbyid`, `format_type`,
/// `pg_get_expr`, `pg_get_indexdef`, `pg_get_constraintdef`, `obj_description`,
/// `col_description`, `shobj_description`, `pg_encoding_to_char`, `pg_relation_is_publishable`,
/// `pg_get_statisticsobjdef_columns`, the array functions `array_to_string`, `array_upper`,
/// `array_lower`, `array_length`, `x = ANY (array)` and `array[i]` (over the text form
/// `pg_catalog` gives arrays, `{1,2}`, numbered from 1), the sizes `pg_table_size`,
/// `pg_relation_size`, `pg_total_relation_size` (`pg_size_pretty` and `json_build_object` are in
/// `QueryPlanner+PostgresText`), `pg_partition_ancestors`, `pg_get_triggerdef`,
/// `pg_get_serial_sequence`, `to_regclass`/`to_regtype`, and the casts to `regclass`,
/// `regtype`, `regproc` and `regnamespace` (the parser makes `x::regclass` the call
/// `regclass(x)`).
///
/// Each is bound as an expression over its arguments whose constants come from the catalog at
/// the planner's snapshot (a CASE over the OIDs there are), so a function of a column works
/// row by row and one of a constant folds.

import StarlingColumns
import StarlingExecution
import StarlingSQL
import StarlingStorage

extension QueryPlanner {
    /// The names ``bindPostgresFunction(_:_:)`` binds, with their argument counts.
    static let postgresFunctions: [String: ClosedRange<Int>] = [
        "pg_table_is_visible": 1...1, "pg_type_is_visible": 1...1, "pg_get_userbyid": 1...1, "format_type": 2...2,
        "pg_get_expr": 2...3, "pg_get_indexdef": 1...3, "pg_get_constraintdef": 1...2, "obj_description": 1...2,
        "col_description": 2...2, "shobj_description": 2...2, "pg_encoding_to_char": 1...1, "array_to_string": 2...2,
        Parser.arrayContainsFunction: 2...2, Parser.arrayElementFunction: 2...2, "array_upper": 2...2,
        "array_lower": 2...2, "array_length": 2...2, "pg_get_statisticsobjdef_columns": 1...1,
        "pg_relation_is_publishable": 1...1, "pg_get_serial_sequence": 2...2, "pg_table_size": 1...1,
        "pg_relation_size": 1...2,
        "pg_total_relation_size": 1...1, "pg_size_pretty": 1...1, "pg_get_triggerdef": 1...2,
        "pg_collation_is_visible": 1...1,
        "pg_partition_ancestors": 1...1, "regclass": 1...1, "regtype": 1...1, "regproc": 1...1, "regnamespace": 1...1,
        "to_regclass": 1...1, "to_regtype": 1...1, "to_regnamespace": 1...1,
    ]

    /// A call of one of PostgreSQL's catalog functions, bound; nil for any other call.
    func bindPostgresFunction(_ call: FunctionCall, _ context: ExpressionContext) throws(SQLError) -> BoundExpression? {
        let name = call.name.name
        if name == "json_build_object", call.window == nil { return try bindJSONBuildObject(call, context) }
        guard call.window == nil, let arity = Self.postgresFunctions[name] else { return nil }
        if call.distinct || call.filter != nil || call.star {
            throw SQLError(
                "\(name) is not an aggregate function; DISTINCT, FILTER and * apply to aggregates",
                at: call.name.position)
        }
        guard arity.contains(call.arguments.count) else {
            let count =
                arity.lowerBound == arity.upperBound
                ? "\(arity.lowerBound)" : "\(arity.lowerBound) to \(arity.upperBound)"
            throw SQLError("\(name) takes \(count) arguments, not \(call.arguments.count)", at: call.name.position)
        }
        let position = call.name.position
        let arguments = call.arguments
        func string(_ text: String) -> Expression { .literal(Literal(.string(text), at: position)) }
        func number(_ value: Int64) -> Expression { .literal(Literal(.number(String(value)), at: position)) }
        let null = Expression.literal(Literal(.null, at: position))
        /// `CASE value WHEN key THEN result … ELSE otherwise END` (just `otherwise` when there are no keys).
        func lookup(_ value: Expression, _ pairs: [(Int64, String)], otherwise: Expression) -> Expression {
            guard !pairs.isEmpty else { return otherwise }
            let branches = pairs.map { CaseBranch(condition: number($0.0), result: string($0.1)) }
            return .caseWhen(operand: value, branches: branches, otherwise: otherwise, position: position)
        }
        func asText(_ value: Expression) -> Expression { .cast(value, .varchar, orNull: false, position: position) }
        func oidArgument(_ index: Int) -> Expression {
            .cast(arguments[index], .bigint, orNull: false, position: position)
        }
        let expression: Expression
        switch name {
        case "pg_table_is_visible", "pg_type_is_visible":
            // Every relation and type is in main or pg_catalog, both on the search path.
            let oids =
                name == "pg_table_is_visible"
                ? postgresRelations().map(\.oid) : PostgresTypeCatalog.entries.map(\.oid)
            expression = .inList(oidArgument(0), oids.map(number), negated: false, position: position)
        case "pg_get_userbyid":
            let unknown = Expression.binary(
                .concatenate,
                .binary(.concatenate, string("unknown (OID="), asText(oidArgument(0)), position: position),
                string(")"), position: position)
            expression = lookup(oidArgument(0), [(PostgresCatalogSchema.ownerOID, "starling")], otherwise: unknown)
        case "pg_encoding_to_char":
            expression = lookup(arguments[0], [(6, "UTF8"), (0, "SQL_ASCII")], otherwise: string(""))
        case "format_type":
            let modifier = arguments[1]
            let packed = Expression.binary(.subtract, modifier, number(4), position: position)
            let numeric = [
                string("numeric("), asText(.binary(.integerDivide, packed, number(65536), position: position)),
                string(","), asText(.binary(.modulo, packed, number(65536), position: position)), string(")"),
            ].dropFirst().reduce(string("numeric(")) { .binary(.concatenate, $0, $1, position: position) }
            let withModifier = Expression.binary(
                .and, .binary(.equal, oidArgument(0), number(Int64(PostgresTypeCatalog.numeric)), position: position),
                .binary(.greaterOrEqual, modifier, number(4), position: position), position: position)
            let plain = lookup(
                oidArgument(0), PostgresTypeCatalog.entries.map { ($0.oid, $0.sqlName) }, otherwise: string("???"))
            expression = .caseWhen(
                operand: nil, branches: [CaseBranch(condition: withModifier, result: numeric)], otherwise: plain,
                position: position)
        case "pg_get_expr":
            expression = asText(arguments[0])
        case "pg_get_indexdef":
            let relations = postgresRelations()
            let names = Dictionary(relations.map { ($0.oid, $0) }, uniquingKeysWith: { first, _ in first })
            var definitions: [(Int64, String)] = []
            var columns: [CaseBranch] = []
            for index in postgresCatalogRows("pg_index") {
                guard case .integer(let indexOID) = index["indexrelid"] ?? .null,
                    case .integer(let tableOID) = index["indrelid"] ?? .null,
                    let indexRelation = names[indexOID], let table = names[tableOID]
                else { continue }
                let keys = indexRelation.columns.map { CatalogView.quoted($0.name) }
                definitions.append(
                    (
                        indexOID,
                        "CREATE UNIQUE INDEX \(CatalogView.quoted(indexRelation.name)) ON main."
                            + "\(CatalogView.quoted(table.name)) USING btree (\(keys.joined(separator: ", ")))"
                    ))
                for (position, key) in keys.enumerated() where arguments.count > 1 {
                    let condition = Expression.binary(
                        .and, .binary(.equal, oidArgument(0), number(indexOID), position: call.name.position),
                        .binary(.equal, arguments[1], number(Int64(position + 1)), position: call.name.position),
                        position: call.name.position)
                    columns.append(CaseBranch(condition: condition, result: string(key)))
                }
            }
            let whole = lookup(oidArgument(0), definitions, otherwise: null)
            if arguments.count > 1 {
                let isWhole = Expression.binary(.equal, arguments[1], number(0), position: position)
                expression = .caseWhen(
                    operand: nil, branches: [CaseBranch(condition: isWhole, result: whole)] + columns,
                    otherwise: null, position: position)
            } else {
                expression = whole
            }
        case "pg_get_statisticsobjdef_columns":
            // Over pg_statistic_ext's rows: Starling keeps no extended statistics.
            expression = lookup(oidArgument(0), [], otherwise: .cast(null, .varchar, orNull: false, position: position))
        case "pg_relation_is_publishable":
            // A permanent table (Starling's tables are all permanent and user tables).
            let tables = catalog.tables.map { number(Self.postgresOID(of: $0)) }
            expression =
                tables.isEmpty
                ? .binary(
                    .and, .isNull(oidArgument(0), negated: false, position: position),
                    .literal(Literal(.boolean(false), at: position)), position: position)
                : .inList(oidArgument(0), tables, negated: false, position: position)
        case "pg_get_triggerdef":
            // Over pg_trigger's rows: Starling has no triggers of its own to show.
            for argument in arguments { _ = try bind(argument, context) }
            expression = .cast(null, .varchar, orNull: false, position: position)
        case "pg_table_size", "pg_relation_size", "pg_total_relation_size":
            // The bytes of a table's segment files (an index or a view has none of its own);
            // NULL for an OID that is no relation.
            var branches: [CaseBranch] = []
            for table in catalog.tables {
                branches.append(
                    CaseBranch(
                        condition: number(Self.postgresOID(of: table)), result: number(Int64(clamping: table.byteCount))
                    ))
            }
            for relation in postgresRelations()
            where !catalog.tables.contains(where: { Self.postgresOID(of: $0) == relation.oid }) {
                branches.append(CaseBranch(condition: number(relation.oid), result: number(0)))
            }
            for argument in arguments.dropFirst() { _ = try bind(argument, context) }
            expression = .cast(
                .caseWhen(operand: oidArgument(0), branches: branches, otherwise: null, position: position), .bigint,
                orNull: false, position: position)
        case "pg_size_pretty":
            expression = sizePretty(oidArgument(0), at: position)
        case "pg_get_serial_sequence":
            // The sequence a serial or identity column takes its values from: Starling has none.
            for argument in arguments { _ = try bind(argument, context) }
            expression = .cast(null, .varchar, orNull: false, position: position)
        case "pg_collation_is_visible":
            let collations = postgresCatalogRows("pg_collation").compactMap { $0["oid"] }.compactMap {
                value -> Expression? in
                if case .integer(let oid) = value { return number(oid) } else { return nil }
            }
            expression = .inList(oidArgument(0), collations, negated: false, position: position)
        case "pg_partition_ancestors":
            // A relation and the partitioned tables above it: Starling's tables stand alone, so
            // the relation itself (a set of one row, here a value). The argument is a regclass:
            // a name or an OID.
            let isName = try bind(arguments[0], context).type == .varchar
            let relation =
                isName
                ? Expression.function(
                    FunctionCall(name: Identifier("regclass", at: position), arguments: [arguments[0]]))
                : oidArgument(0)
            let relations = postgresRelations().map { number($0.oid) }
            expression = .caseWhen(
                operand: nil,
                branches: [
                    CaseBranch(
                        condition: .inList(relation, relations, negated: false, position: position), result: relation)
                ],
                otherwise: .cast(null, .bigint, orNull: false, position: position), position: position)
        case "pg_get_constraintdef":
            expression = lookup(
                oidArgument(0), postgresConstraints().map { ($0.oid, $0.definition) }, otherwise: null)
        case "obj_description", "col_description", "shobj_description":
            // From pg_description's rows: Starling has no comments, so there are none.
            var branches: [CaseBranch] = []
            for row in postgresCatalogRows("pg_description") {
                guard case .integer(let object) = row["objoid"] ?? .null,
                    case .string(let text) = row["description"] ?? .null
                else { continue }
                let sub: Int64 = {
                    if case .integer(let value) = row["objsubid"] ?? .null { return value } else { return 0 }
                }()
                var condition = Expression.binary(.equal, oidArgument(0), number(object), position: position)
                let subCondition = Expression.binary(
                    .equal, name == "col_description" ? arguments[1] : number(0), number(sub), position: position)
                condition = .binary(.and, condition, subCondition, position: position)
                branches.append(CaseBranch(condition: condition, result: string(text)))
            }
            for argument in arguments { _ = try bind(argument, context) }
            expression =
                branches.isEmpty
                ? .cast(null, .varchar, orNull: false, position: position)
                : .caseWhen(operand: nil, branches: branches, otherwise: null, position: position)
        case Parser.arrayContainsFunction:
            // `x = ANY (array)` over the text form of an array: `,x,` within `,a,b,`.
            let elements = Expression.function(
                FunctionCall(
                    name: Identifier("regexp_replace", at: position),
                    arguments: [
                        asText(arguments[0]), string("^\\{|\\}$"), string(""), string("g"),
                    ]))
            func framed(_ value: Expression) -> Expression {
                .binary(
                    .concatenate, .binary(.concatenate, string(","), value, position: position), string(","),
                    position: position)
            }
            let found = Expression.function(
                FunctionCall(
                    name: Identifier("strpos", at: position),
                    arguments: [framed(elements), framed(asText(arguments[1]))]))
            expression = .binary(.greater, found, number(0), position: position)
        case Parser.arrayElementFunction, "array_upper", "array_lower", "array_length":
            // Over the text form of an array, `{a,b}` (or an int2vector's `1 2`), from 1.
            let elements = Expression.function(
                FunctionCall(
                    name: Identifier("regexp_replace", at: position),
                    arguments: [
                        .function(
                            FunctionCall(
                                name: Identifier("regexp_replace", at: position),
                                arguments: [
                                    asText(arguments[0]), string("^\\{|\\}$"), string(""), string("g"),
                                ])), string(" "), string(","), string("g"),
                    ]))
            let isEmpty = Expression.binary(.equal, elements, string(""), position: position)
            let length = Expression.binary(
                .add,
                .binary(
                    .subtract, .function(FunctionCall(name: Identifier("length", at: position), arguments: [elements])),
                    .function(
                        FunctionCall(
                            name: Identifier("length", at: position),
                            arguments: [
                                .function(
                                    FunctionCall(
                                        name: Identifier("replace", at: position),
                                        arguments: [elements, string(","), string("")]))
                            ])), position: position), number(1), position: position)
            let dimensionOne = Expression.binary(.equal, arguments[1], number(1), position: position)
            let result: Expression
            switch name {
            case "array_upper", "array_length": result = length
            case "array_lower": result = number(1)
            default:
                // pg_catalog's arrays that clients index hold numbers (attribute numbers, OIDs).
                let element = Expression.cast(
                    .function(
                        FunctionCall(
                            name: Identifier("split_part", at: position),
                            arguments: [elements, string(","), arguments[1]])),
                    .bigint, orNull: true, position: position)
                let inRange = Expression.binary(
                    .and, .binary(.greaterOrEqual, arguments[1], number(1), position: position),
                    .binary(.lessOrEqual, arguments[1], length, position: position), position: position)
                expression = .caseWhen(
                    operand: nil,
                    branches: [
                        CaseBranch(condition: isEmpty, result: null),
                        CaseBranch(condition: inRange, result: element),
                    ], otherwise: null, position: position)
                return try bind(expression, context)
            }
            expression = .caseWhen(
                operand: nil,
                branches: [
                    CaseBranch(condition: isEmpty, result: null), CaseBranch(condition: dimensionOne, result: result),
                ], otherwise: null, position: position)
        case "array_to_string":
            // pg_catalog's arrays are text, `{a,b}`: the elements joined by the separator.
            let braces = Expression.function(
                FunctionCall(
                    name: Identifier("regexp_replace", at: position),
                    arguments: [
                        asText(arguments[0]), string("^\\{|\\}$"), string(""), string("g"),
                    ]))
            expression = .function(
                FunctionCall(name: Identifier("replace", at: position), arguments: [braces, string(","), arguments[1]]))
        case "to_regclass", "to_regtype", "to_regnamespace":
            // As the cast, but NULL for a name that names nothing.
            let bound = try bind(arguments[0], context)
            guard bound.type == .varchar || isNullConstant(bound) else {
                throw SQLError("\(name) takes a name as text", at: arguments[0].position, hint: "\(name)('items')")
            }
            return try bindObjectIdentifier(String(name.dropFirst(3)), arguments[0], context, orNull: true)
        default:
            return try bindObjectIdentifier(name, arguments[0], context)
        }
        return try bind(expression, context)
    }
}

extension QueryPlanner {
    /// `x::regclass`, `::regtype`, `::regproc`, `::regnamespace`: text names the object and
    /// becomes its OID (a constant name that names nothing is an error, as in PostgreSQL); an
    /// OID becomes its name as text (the number itself when nothing has it).
    func bindObjectIdentifier(
        _ kind: String, _ argument: Expression, _ context: ExpressionContext, orNull: Bool = false
    ) throws(SQLError) -> BoundExpression {
        let position = argument.position
        let bound = try fold(try bind(argument, context), at: position)
        if isNullConstant(bound) { return .constant(.null, bound.type == .varchar ? .bigint : .varchar) }
        func string(_ text: String) -> Expression { .literal(Literal(.string(text), at: position)) }
        func number(_ value: Int64) -> Expression { .literal(Literal(.number(String(value)), at: position)) }
        let named: [(oid: Int64, name: String)]
        let what: String
        switch kind {
        case "regclass":
            named = postgresRelations().map { ($0.oid, $0.name) }
            what = "relation"
        case "regtype":
            named = PostgresTypeCatalog.entries.map { ($0.oid, $0.sqlName) }
            what = "type"
        case "regnamespace":
            named = PostgresCatalogSchema.namespaces.map { ($0.oid, $0.name) }
            what = "schema"
        default:  // regproc: functions are known by name only
            guard bound.type == .varchar else {
                return try bind(.cast(argument, .varchar, orNull: false, position: position), context)
            }
            let stripped = Expression.function(
                FunctionCall(
                    name: Identifier("regexp_replace", at: position),
                    arguments: [argument, string("^pg_catalog\\."), string("")]))
            return try bind(stripped, context)
        }
        let null = Expression.literal(Literal(.null, at: position))
        if bound.type == .varchar {
            if case .constant(.string(let text), _) = bound {
                guard let oid = Self.postgresObject(named: text, kind: kind, in: named) else {
                    if orNull { return .constant(.null, .bigint) }
                    throw SQLError("\(what) \"\(text)\" does not exist", at: position)
                }
                return .constant(.integer(oid), .bigint)
            }
            let branches = named.map { CaseBranch(condition: string($0.name), result: number($0.oid)) }
            guard !branches.isEmpty else { return .constant(.null, .bigint) }
            return try bind(
                .caseWhen(operand: argument, branches: branches, otherwise: null, position: position), context)
        }
        let asText = Expression.cast(argument, .varchar, orNull: false, position: position)
        let branches = named.map { CaseBranch(condition: number($0.oid), result: string($0.name)) }
        guard !branches.isEmpty else { return try bind(asText, context) }
        return try bind(
            .caseWhen(operand: argument, branches: branches, otherwise: asText, position: position), context)
    }

    /// `x::regclass::text` (any of the object-identifier casts, then to text): the object's
    /// name, as PostgreSQL prints a `regclass`; nil when `value` is no such cast.
    func bindObjectIdentifierName(_ value: Expression, _ context: ExpressionContext) throws(SQLError)
        -> BoundExpression?
    {
        guard case .function(let call) = value, Parser.objectIdentifierTypes.contains(call.name.name),
            call.arguments.count == 1, call.window == nil
        else { return nil }
        let argument = call.arguments[0]
        let oid = try bindObjectIdentifier(call.name.name, argument, context)
        guard oid.type != .varchar else { return oid }  // an OID's name already
        // A name: its OID, then the OID's name (the name as the catalog spells it).
        let asOID = Expression.function(FunctionCall(name: call.name, arguments: [argument]))
        let asNumber = Expression.cast(asOID, .bigint, orNull: false, position: argument.position)
        return try bindObjectIdentifier(call.name.name, asNumber, context)
    }

    /// The OID of the object `text` names, read as PostgreSQL reads a `regclass` literal: an OID
    /// as digits, or a name, unquoted ones lower-cased, optionally qualified by its schema
    /// (`main`, `public` or `pg_catalog`); a type also by its short name (`int4`).
    static func postgresObject(named text: String, kind: String, in named: [(oid: Int64, name: String)]) -> Int64? {
        let trimmed = String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let oid = Int64(trimmed) {
            return oid
        }
        // Split on dots outside double quotes; unquote quoted parts, lower-case the others.
        var parts: [String] = []
        var part = ""
        var quoted = false
        var wasQuoted = false
        var characters = Array(trimmed)[...]
        while let character = characters.popFirst() {
            if character == "\"" {
                if quoted, characters.first == "\"" {
                    part.append("\"")
                    characters.removeFirst()
                } else {
                    quoted.toggle()
                    wasQuoted = true
                }
            } else if character == ".", !quoted {
                parts.append(part)
                part = ""
                wasQuoted = false
            } else {
                part.append(quoted || wasQuoted ? character : Character(character.lowercased()))
            }
        }
        parts.append(part)
        guard let name = parts.last, parts.count <= 2 else { return nil }
        if parts.count == 2, !["main", "public", "pg_catalog"].contains(parts[0]) { return nil }
        if let found = named.first(where: { $0.name == name }) { return found.oid }
        if kind == "regtype" {
            let aliases = ["int": "int4", "integer": "int4", "smallint": "int2", "bigint": "int8", "bool": "bool"]
            let short = aliases[name] ?? name
            return PostgresTypeCatalog.entries.first { $0.name == short }?.oid
        }
        return nil
    }
}
