/// Date partitions: which partition a date falls in, and the dates a partition covers.

import StarlingColumns

/// Partitioning by calendar day, month or year of a DATE column.
public enum PartitionGranularity: String, Codable, Sendable, CaseIterable {
    case day, month, year

    /// The partition key of a date (days since 1970-01-01): `2025-03-01`, `2025-03` or `2025`.
    public func key(forDay days: Int64) -> String {
        let date = CalendarDate(daysSinceEpoch: days)
        let full = date.description
        switch self {
        case .day: return full
        case .month: return String(full.dropLast(3))
        case .year: return String(full.dropLast(6))
        }
    }

    /// The first day of the partition holding `days`, and the first day after it.
    public func range(forDay days: Int64) -> Range<Int64> {
        let date = CalendarDate(daysSinceEpoch: days)
        switch self {
        case .day:
            return days..<(days + 1)
        case .month:
            let start = CalendarDate(year: date.year, month: date.month, day: 1).daysSinceEpoch
            return start..<(start + Int64(CalendarDate.daysInMonth(year: date.year, month: date.month)))
        case .year:
            let start = CalendarDate(year: date.year, month: 1, day: 1).daysSinceEpoch
            return start..<CalendarDate(year: date.year + 1, month: 1, day: 1).daysSinceEpoch
        }
    }

    /// The days a partition key covers, or `nil` when the key is not one of this granularity's.
    public func range(forKey key: String) -> Range<Int64>? {
        let parts = key.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard parts.allSatisfy({ $0 != nil }) else { return nil }
        let numbers = parts.compactMap { $0 }
        switch (self, numbers.count) {
        case (.day, 3), (.month, 2), (.year, 1):
            let month = numbers.count > 1 ? numbers[1] : 1
            let day = numbers.count > 2 ? numbers[2] : 1
            guard (1...12).contains(month), (1...CalendarDate.daysInMonth(year: numbers[0], month: month)).contains(day) else { return nil }
            return range(forDay: CalendarDate(year: numbers[0], month: month, day: day).daysSinceEpoch)
        default:
            return nil
        }
    }
}
