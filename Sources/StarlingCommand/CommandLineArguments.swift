/// The command line as the argument parser is given it.

/// Rewrites the command line so that SQL given as an argument may open with a `--` comment.
///
/// The argument parser takes every argument that starts with `--` for an option, so
/// `starling sql "-- nightly check
/// SELECT 1"` was a usage error. An argument that starts with `--` followed by a character no
/// option name starts with (a space, a newline, a tab, another dash) is SQL, not an option: it
/// is moved after the `--` that ends the options, where the parser reads it as the statements.
/// `starling sql -- "…"` works as well, and is left as it is.
enum CommandLineArguments {
    /// `arguments` (without the program's name) in the order the parser should read them.
    static func forParsing(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var statements: [String] = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--" {
                // Everything after an explicit end of options is already read as it is.
                return kept + ["--"] + statements + arguments[(index + 1)...]
            }
            if opensWithComment(argument) {
                statements.append(argument)
            } else {
                kept.append(argument)
            }
        }
        return statements.isEmpty ? kept : kept + ["--"] + statements
    }

    /// Whether `argument` is SQL that opens with a line comment: `--` and then a character
    /// that cannot begin an option's name, or `--` and a word followed by white space before
    /// any `=` (`--note SELECT 1`; an option's value given with `=` may hold spaces).
    static func opensWithComment(_ argument: String) -> Bool {
        let characters = Array(argument.prefix(3))
        guard characters.count == 3, characters[0] == "-", characters[1] == "-" else { return false }
        if !(characters[2].isLetter || characters[2].isNumber) { return true }
        guard let space = argument.firstIndex(where: \.isWhitespace) else { return false }
        return !argument[..<space].contains("=")
    }
}
