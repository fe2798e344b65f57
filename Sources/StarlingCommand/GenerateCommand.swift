/// `starling gen …`: generated data. Today: `gen dates`, a date dimension.

import ArgumentParser
import StarlingColumns
import StarlingLoader

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gen",
        abstract: "Generate data: a date dimension.",
        subcommands: [GenerateDatesCommand.self]
    )
}

struct GenerateDatesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dates",
        abstract: "Fill a date dimension with one row per day.",
        discussion: """
            Creates the table if it does not exist, with columns date_key (DATE, the primary key), \
            date_int (YYYYMMDD), year, quarter, month, month_name, year_month, day_of_month, \
            day_of_year, iso_week, iso_year, day_of_week (ISO: Monday 1), day_name, is_weekend, \
            fiscal_year and fiscal_quarter. An existing table is filled in the columns whose names \
            it recognises (including SSB's d_datekey, d_year, d_month, …). Existing days are left \
            as they are, so widening the range only adds rows. Fiscal years are named by the \
            calendar year they end in.

            Example:
              starling gen dates --table dim_date --from 2020-01-01 --to 2030-12-31 --fiscal-year-start-month 4
            """
    )

    @OptionGroup var options: WarehouseOptions

    @Option(help: ArgumentHelp("The date dimension table.", valueName: "table"))
    var table: String

    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD).", valueName: "date"))
    var from: String

    @Option(help: ArgumentHelp("The last day (YYYY-MM-DD).", valueName: "date"))
    var to: String

    @Option(help: ArgumentHelp("The month the fiscal year starts in (1–12, default 1).", valueName: "month"))
    var fiscalYearStartMonth = 1

    func validate() throws {
        guard ValueParsing.date(from) != nil else { throw ValidationError("--from must be a date like 2020-01-01") }
        guard ValueParsing.date(to) != nil else { throw ValidationError("--to must be a date like 2030-12-31") }
        guard (1...12).contains(fiscalYearStartMonth) else { throw ValidationError("--fiscal-year-start-month must be 1 to 12") }
    }

    func run() throws {
        let warehouse = try options.open()
        guard let first = ValueParsing.date(from), let last = ValueParsing.date(to) else { return }
        do {
            let result = try DateDimension.generate(warehouse: warehouse, table: table.lowercased(), from: first, to: last,
                                                    fiscalYearStartMonth: fiscalYearStartMonth, wait: options.wait)
            StandardError.write("\(table): \(result.inserted) days added, \(result.unchanged) already present; snapshot \(result.snapshot)\n")
        } catch {
            throw fail(error.message, status: error.exitStatus)
        }
    }
}
