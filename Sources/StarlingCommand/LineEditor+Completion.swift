/// Tab completion in libedit: the editor function bound to Tab, which asks the shell for the
/// choices, puts in the common part of them, and on a second Tab lists them, as readline does.

import CEditLine

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What Tab may put in place of the word before the cursor.
struct LineCompletion: Equatable {
    /// One replacement for the word, and what follows it when it is the only one (a space, the
    /// `(` of a function, nothing after a directory's `/`).
    struct Candidate: Equatable {
        var text: String
        var suffix: String
    }

    /// The word before the cursor, which a candidate replaces.
    var word: String
    var candidates: [Candidate]

    /// Candidates listed at most on a second Tab; the rest are counted.
    static let listLimit = 200

    /// The longest start all candidates share, compared without case, spelt as the first one.
    var commonPrefix: String {
        guard let first = candidates.first else { return "" }
        var prefix = Array(first.text)
        for candidate in candidates.dropFirst() {
            var count = 0
            for (left, right) in zip(prefix, candidate.text) {
                guard left.lowercased() == right.lowercased() else { break }
                count += 1
            }
            prefix.removeLast(prefix.count - count)
        }
        return String(prefix)
    }

    /// The text that replaces ``word`` on Tab, or nil when Tab cannot add anything: the only
    /// candidate and its suffix (no space when one follows the cursor already), or the common
    /// start of several when it is longer than the word.
    func replacement(followedByBlank: Bool) -> String? {
        if candidates.count == 1, let only = candidates.first {
            let suffix = followedByBlank && only.suffix == " " ? "" : only.suffix
            return only.text + suffix
        }
        let prefix = commonPrefix
        guard prefix.count > word.count, prefix.lowercased().hasPrefix(word.lowercased()) else { return nil }
        return prefix
    }

    /// The candidates in columns that fit `width`, down then across, as readline lists them; at
    /// most ``listLimit``, then how many more there are. Lines end with `\r\n` (the terminal is
    /// in libedit's raw mode).
    func listing(width: Int) -> String {
        let shown = candidates.prefix(Self.listLimit).map(\.text)
        guard !shown.isEmpty else { return "" }
        let cell = (shown.map(\.count).max() ?? 0) + 2
        let columns = max(1, min(shown.count, max(1, width) / cell))
        let rows = (shown.count + columns - 1) / columns
        var text = ""
        for row in 0..<rows {
            var line = ""
            for column in 0..<columns {
                let index = column * rows + row
                guard index < shown.count else { break }
                let name = shown[index]
                line += name + String(repeating: " ", count: max(0, cell - name.count))
            }
            text += line.trailingSpacesRemoved + "\r\n"
        }
        if candidates.count > shown.count {
            text += "… and \(candidates.count - shown.count) more (type more of the word)\r\n"
        }
        return text
    }
}

/// Where the last Tab left the line, so the next Tab knows it comes straight after it.
struct CompletionPoint: Equatable {
    let line: [wchar_t]
    let cursor: Int
}

extension LineEditor {
    /// The name of the editor function bound to Tab (an `~/.editrc` may bind it to other keys).
    static let completionFunction = "starling-complete"

    /// Registers the completion function and binds Tab to it; false when libedit refused.
    func installCompletion() -> Bool {
        _ = starling_el_set_clientdata(editLine, Unmanaged.passUnretained(self).toOpaque())
        let added = starling_el_set_addfn(
            editLine, Self.completionFunction, "Complete the word before the cursor",
            { editLine, _ in
                guard let editLine, let data = starling_el_get_clientdata(editLine) else { return UInt8(CC_ERROR) }
                return Unmanaged<LineEditor>.fromOpaque(data).takeUnretainedValue().completeWord()
            })
        return added == 0 && starling_el_set_bind(editLine, "^I", Self.completionFunction) == 0
    }

    /// Tab: completes the word before the cursor, or lists the choices when it was pressed just
    /// before with nothing to add. Returns libedit's `CC_…` code for what to redraw.
    func completeWord() -> UInt8 {
        // A Tab inside pasted text (more input already waiting) is a Tab, not a request.
        if Self.pastedInputPending() {
            _ = [wchar_t(9), 0].withUnsafeBufferPointer { el_winsertstr(editLine, $0.baseAddress) }
            return UInt8(CC_REFRESH)
        }
        guard let completer, let point = currentPoint() else { return UInt8(CC_ERROR) }
        let before = Self.text(point.line.prefix(point.cursor))
        let next = point.cursor < point.line.count ? Self.text(point.line[point.cursor...].prefix(1)) : ""
        let completion = completer(before)
        defer { lastCompletion = currentPoint() }
        // The word replaced must be what ends the text before the cursor.
        guard !completion.candidates.isEmpty,
            before.unicodeScalars.reversed().starts(with: completion.word.unicodeScalars.reversed())
        else { return UInt8(CC_REFRESH_BEEP) }
        if let replacement = completion.replacement(followedByBlank: next.first?.isWhitespace ?? false) {
            replace(completion.word, with: replacement)
            return UInt8(CC_REFRESH)
        }
        guard lastCompletion == point else { return UInt8(CC_REFRESH_BEEP) }
        StandardError.write("\r\n" + completion.listing(width: terminalColumns(STDERR_FILENO)))
        return UInt8(CC_REDISPLAY)
    }

    /// Whether at least ``pasteThreshold`` bytes wait on standard input after this Tab: keys are
    /// read one byte at a time as typed, so that many at once come from a paste.
    private static func pastedInputPending() -> Bool {
        var count: Int32 = 0
        guard ioctl(STDIN_FILENO, UInt(FIONREAD), &count) == 0 else { return false }
        return count >= pasteThreshold
    }

    /// Bytes waiting after a Tab that mark it as pasted (a second Tab typed fast is one byte).
    static let pasteThreshold: Int32 = 3

    /// The line being edited and the cursor's place in it (in characters), or nil when libedit
    /// gives nothing usable.
    private func currentPoint() -> CompletionPoint? {
        guard let info = el_wline(editLine), let buffer = info.pointee.buffer, let cursor = info.pointee.cursor,
            let end = info.pointee.lastchar
        else { return nil }
        let length = end - buffer
        let offset = cursor - buffer
        guard length >= 0, offset >= 0, offset <= length else { return nil }
        return CompletionPoint(line: Array(UnsafeBufferPointer(start: buffer, count: length)), cursor: offset)
    }

    /// Deletes `word` before the cursor and inserts `text` (only the rest when `text` starts
    /// with the word as typed).
    private func replace(_ word: String, with text: String) {
        let typed = Array(word.unicodeScalars)
        let wanted = Array(text.unicodeScalars)
        var inserted = wanted[...]
        if wanted.starts(with: typed) {
            inserted = wanted.dropFirst(typed.count)
        } else if !typed.isEmpty {
            el_deletestr(editLine, Int32(clamping: typed.count))
        }
        guard !inserted.isEmpty else { return }
        let characters = inserted.map { wchar_t(bitPattern: $0.value) } + [0]
        _ = characters.withUnsafeBufferPointer { el_winsertstr(editLine, $0.baseAddress) }
    }

    /// Wide characters as a string (anything that is not a Unicode scalar becomes U+FFFD).
    private static func text<Characters: Sequence>(_ characters: Characters) -> String
    where Characters.Element == wchar_t {
        var text = ""
        for character in characters {
            text.unicodeScalars.append(Unicode.Scalar(UInt32(bitPattern: Int32(character))) ?? "\u{FFFD}")
        }
        return text
    }
}
