/// The tables of `pg_catalog` as Starling presents them to PostgreSQL clients: their names,
/// OIDs and columns (PostgreSQL's columns in PostgreSQL's order; `oid` and `reg*` columns as
/// BIGINT, `name`, `text` and `"char"` as VARCHAR, arrays as their text form, as DuckDB has them).

import StarlingColumns
import StarlingExecution

/// The static part of `pg_catalog`: table names, OIDs and columns, and the OIDs of schemas.
enum PostgresCatalogSchema {
    /// `pg_namespace.oid` of each schema, and the schemas `pg_namespace` lists.
    static let pgCatalogNamespace: Int64 = 11
    static let mainNamespace: Int64 = 2200
    static let informationSchemaNamespace: Int64 = 13_000
    static let starlingNamespace: Int64 = 13_001
    static let namespaces: [(oid: Int64, name: String)] = [
        (pgCatalogNamespace, "pg_catalog"), (mainNamespace, "main"),
        (informationSchemaNamespace, "information_schema"), (starlingNamespace, "starling"),
    ]
    /// The database's OID (`pg_database.oid`).
    static let databaseOID: Int64 = 16_383
    /// The owner of everything (`relowner`, `nspowner`, `datdba`): the role `pg_get_userbyid`
    /// names `starling`.
    static let ownerOID: Int64 = 10
    /// User tables are `tableBase + identifier`; views `viewBase + position`; a table's
    /// primary key index `indexBase + identifier`; constraints `constraintBase + …`.
    static let tableBase: Int64 = 16_384
    static let viewBase: Int64 = 1_000_000_000
    static let indexBase: Int64 = 1_500_000_000
    static let constraintBase: Int64 = 2_000_000_000

    /// A table of `pg_catalog` with its OID (PostgreSQL's, for the ones it has) and columns.
    struct Table {
        var name: String
        var oid: Int64
        var columns: [PlanColumn]
    }

    /// Column lists written as `name:code …`; codes: `o` oid (BIGINT), `n` name or text and `c`
    /// "char" (VARCHAR), `b` BOOLEAN, `s` SMALLINT, `i` INTEGER, `l` BIGINT, `d` DOUBLE, `a` an
    /// array in its text form (VARCHAR).
    private static func columns(_ spec: String) -> [PlanColumn] {
        spec.split(separator: " ").map { field in
            let parts = field.split(separator: ":")
            let name = String(parts.first ?? "")
            let code = parts.count > 1 ? parts[1] : "n"
            let type: LogicalType
            switch code {
            case "o", "l": type = .bigint
            case "b": type = .boolean
            case "s": type = .smallint
            case "i": type = .integer
            case "d": type = .double
            default: type = .varchar
            }
            return PlanColumn(name: name, type: type)
        }
    }

    static let tables: [Table] = [
        Table(name: "pg_am", oid: 2601, columns: columns("oid:o amname:n amhandler:n amtype:c")),
        Table(
            name: "pg_attrdef", oid: 2604, columns: columns("oid:o adrelid:o adnum:s adbin:n")),
        Table(
            name: "pg_attribute", oid: 1249,
            columns: columns(
                "attrelid:o attname:n atttypid:o attstattarget:i attlen:s attnum:s attndims:i attcacheoff:i "
                    + "atttypmod:i attbyval:b attalign:c attstorage:c attcompression:c attnotnull:b atthasdef:b "
                    + "atthasmissing:b attidentity:c attgenerated:c attisdropped:b attislocal:b attinhcount:i "
                    + "attcollation:o attacl:a attoptions:a attfdwoptions:a attmissingval:a")),
        Table(
            name: "pg_class", oid: 1259,
            columns: columns(
                "oid:o relname:n relnamespace:o reltype:o reloftype:o relowner:o relam:o relfilenode:o "
                    + "reltablespace:o relpages:i reltuples:d relallvisible:i reltoastrelid:o relhasindex:b "
                    + "relisshared:b relpersistence:c relkind:c relnatts:s relchecks:s relhasrules:b "
                    + "relhastriggers:b relhassubclass:b relrowsecurity:b relforcerowsecurity:b relispopulated:b "
                    + "relreplident:c relispartition:b relrewrite:o relfrozenxid:l relminmxid:l relacl:a "
                    + "reloptions:a relpartbound:n")),
        Table(
            name: "pg_collation", oid: 3456,
            columns: columns(
                "oid:o collname:n collnamespace:o collowner:o collprovider:c collisdeterministic:b "
                    + "collencoding:i collcollate:n collctype:n colliculocale:n collversion:n")),
        Table(
            name: "pg_constraint", oid: 2606,
            columns: columns(
                "oid:o conname:n connamespace:o contype:c condeferrable:b condeferred:b convalidated:b "
                    + "conrelid:o contypid:o conindid:o conparentid:o confrelid:o confupdtype:c confdeltype:c "
                    + "confmatchtype:c conislocal:b coninhcount:i connoinherit:b conkey:a confkey:a "
                    + "conpfeqop:a conppeqop:a conffeqop:a confdelsetcols:a conexclop:a conbin:n")),
        Table(
            name: "pg_database", oid: 1262,
            columns: columns(
                "oid:o datname:n datdba:o encoding:i datlocprovider:c datistemplate:b datallowconn:b "
                    + "datconnlimit:i datfrozenxid:l datminmxid:l dattablespace:o datcollate:n datctype:n "
                    + "daticulocale:n datcollversion:n datacl:a")),
        Table(
            name: "pg_description", oid: 2609, columns: columns("objoid:o classoid:o objsubid:i description:n")),
        Table(
            name: "pg_index", oid: 2610,
            columns: columns(
                "indexrelid:o indrelid:o indnatts:s indnkeyatts:s indisunique:b indnullsnotdistinct:b "
                    + "indisprimary:b indisexclusion:b indimmediate:b indisclustered:b indisvalid:b "
                    + "indcheckxmin:b indisready:b indislive:b indisreplident:b indkey:a indcollation:a "
                    + "indclass:a indoption:a indexprs:n indpred:n")),
        Table(
            name: "pg_inherits", oid: 2611,
            columns: columns("inhrelid:o inhparent:o inhseqno:i inhdetachpending:b")),
        Table(
            name: "pg_namespace", oid: 2615, columns: columns("oid:o nspname:n nspowner:o nspacl:a")),
        Table(
            name: "pg_policy", oid: 3256,
            columns: columns(
                "oid:o polname:n polrelid:o polcmd:c polpermissive:b polroles:a polqual:n polwithcheck:n")),
        Table(
            name: "pg_publication", oid: 6104,
            columns: columns(
                "oid:o pubname:n pubowner:o puballtables:b pubinsert:b pubupdate:b pubdelete:b pubtruncate:b "
                    + "pubviaroot:b")),
        Table(
            name: "pg_publication_namespace", oid: 6237, columns: columns("oid:o pnpubid:o pnnspid:o")),
        Table(
            name: "pg_publication_rel", oid: 6106,
            columns: columns("oid:o prpubid:o prrelid:o prqual:n prattrs:a")),
        Table(
            name: "pg_roles", oid: 12_001,
            columns: columns(
                "rolname:n rolsuper:b rolinherit:b rolcreaterole:b rolcreatedb:b rolcanlogin:b "
                    + "rolreplication:b rolconnlimit:i rolpassword:n rolvaliduntil:n rolbypassrls:b "
                    + "rolconfig:a oid:o")),
        Table(
            name: "pg_sequence", oid: 2224,
            columns: columns(
                "seqrelid:o seqtypid:o seqstart:l seqincrement:l seqmax:l seqmin:l seqcache:l seqcycle:b")),
        Table(
            name: "pg_settings", oid: 12_002,
            columns: columns(
                "name:n setting:n unit:n category:n short_desc:n extra_desc:n context:n vartype:n source:n "
                    + "min_val:n max_val:n enumvals:a boot_val:n reset_val:n sourcefile:n sourceline:i "
                    + "pending_restart:b")),
        Table(
            name: "pg_statistic_ext", oid: 3381,
            columns: columns(
                "oid:o stxrelid:o stxname:n stxnamespace:o stxowner:o stxstattarget:i stxkeys:a stxkind:a "
                    + "stxexprs:n")),
        Table(
            name: "pg_tables", oid: 12_003,
            columns: columns(
                "schemaname:n tablename:n tableowner:n tablespace:n hasindexes:b hasrules:b hastriggers:b "
                    + "rowsecurity:b")),
        Table(
            name: "pg_trigger", oid: 2620,
            columns: columns(
                "oid:o tgrelid:o tgparentid:o tgname:n tgfoid:o tgtype:s tgenabled:c tgisinternal:b "
                    + "tgconstrrelid:o tgconstrindid:o tgconstraint:o tgdeferrable:b tginitdeferred:b tgnargs:s "
                    + "tgattr:a tgargs:n tgqual:n tgoldtable:n tgnewtable:n")),
        Table(
            name: "pg_type", oid: 1247,
            columns: columns(
                "oid:o typname:n typnamespace:o typowner:o typlen:s typbyval:b typtype:c typcategory:c "
                    + "typispreferred:b typisdefined:b typdelim:c typrelid:o typsubscript:n typelem:o "
                    + "typarray:o typinput:n typoutput:n typreceive:n typsend:n typmodin:n typmodout:n "
                    + "typanalyze:n typalign:c typstorage:c typnotnull:b typbasetype:o typtypmod:i "
                    + "typndims:i typcollation:o typdefaultbin:n typdefault:n typacl:a")),
        Table(
            name: "pg_views", oid: 12_004,
            columns: columns("schemaname:n viewname:n viewowner:n definition:n")),
    ]

    /// The table named `name`, if `pg_catalog` has it.
    static func table(named name: String) -> Table? {
        tables.first { $0.name == name }
    }

    /// The table whose OID is `oid`.
    static func table(oid: Int64) -> Table? {
        tables.first { $0.oid == oid }
    }
}
