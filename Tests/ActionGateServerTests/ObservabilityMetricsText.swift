/// A Prometheus text exposition, parsed for assertions (a test-side reader, independent of the
/// library that wrote it).
struct MetricsText {
    struct Sample {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]
    let text: String

    init(_ text: String) {
        self.text = text
        samples = text.split(separator: "\n").compactMap { line -> Sample? in
            guard !line.hasPrefix("#"), let space = line.lastIndex(of: " "),
                let value = Double(line[line.index(after: space)...])
            else { return nil }
            let series = line[..<space]
            guard let brace = series.firstIndex(of: "{") else {
                return Sample(name: String(series), labels: [:], value: value)
            }
            return Sample(
                name: String(series[..<brace]),
                labels: Self.labels(series[series.index(after: brace)..<series.index(before: series.endIndex)]),
                value: value)
        }
    }

    /// The value of the series `name` whose labels include `labels`; nil when there is none, and
    /// the sum when several match (e.g. every status of a route).
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in
            sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value }
        }
        return matching.isEmpty ? nil : matching.reduce(0) { $0 + $1.value }
    }

    /// `a="1",b="2"` (no escapes inside values: the tests' label values are plain).
    private static func labels(_ text: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = text
        while let equals = rest.firstIndex(of: "=") {
            let name = rest[..<equals].trimmingPrefix(",")
            let afterQuote = rest.index(equals, offsetBy: 2)
            guard afterQuote <= rest.endIndex, let close = rest[afterQuote...].firstIndex(of: "\"") else { break }
            result[String(name)] = String(rest[afterQuote..<close])
            rest = rest[rest.index(after: close)...]
        }
        return result
    }
}
