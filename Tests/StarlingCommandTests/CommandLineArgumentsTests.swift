/// Tests of the command line's rewriting: SQL arguments that open with a `--` comment.

import Testing

@testable import StarlingCommand

@Suite("Command line arguments")
struct CommandLineArgumentsTests {
    @Test("SQL that opens with a line comment moves after the end of options; options stay")
    func comments() {
        #expect(
            CommandLineArguments.forParsing(["sql", "-- note\nSELECT 1", "--format", "csv"])
                == ["sql", "--format", "csv", "--", "-- note\nSELECT 1"])
        #expect(CommandLineArguments.forParsing(["sql", "--note SELECT 1"]) == ["sql", "--", "--note SELECT 1"])
        #expect(
            CommandLineArguments.forParsing(["sql", "---- banner\nSELECT 1"]) == ["sql", "--", "---- banner\nSELECT 1"])
        // An explicit `--` is kept, the statements after it as they were.
        #expect(
            CommandLineArguments.forParsing(["sql", "--format", "csv", "--", "-- note\nSELECT 1"])
                == ["sql", "--format", "csv", "--", "-- note\nSELECT 1"])
        // Options, option values with spaces after `=`, and `--` alone are not SQL.
        #expect(
            CommandLineArguments.forParsing(["load", "--null=N A", "t", "f.csv"]) == [
                "load", "--null=N A", "t", "f.csv",
            ])
        #expect(CommandLineArguments.forParsing(["sql", "--file", "q.sql"]) == ["sql", "--file", "q.sql"])
        #expect(CommandLineArguments.forParsing(["sql", "SELECT 1 -- trailing"]) == ["sql", "SELECT 1 -- trailing"])
        #expect(!CommandLineArguments.opensWithComment("--"))
        #expect(!CommandLineArguments.opensWithComment("-x"))
    }
}
