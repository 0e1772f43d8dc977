import Foundation
import Testing

@testable import actiongate_fuzz

/// Every committed fuzz input — seed corpora and crash reproducers under Fuzz/ — replayed through its
/// target in a normal build, so a regression found once by the fuzzer fails `swift test` forever after.
@Suite struct FuzzCorpusReplayTests {
    /// The package folder (this file is Tests/ActionGateFuzzTests/FuzzCorpusReplayTests.swift).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test(arguments: FuzzTarget.allCases)
    func everyCommittedInputPasses(_ target: FuzzTarget) {
        let files = CorpusReplay.files(in: CorpusReplay.defaultPaths(for: target, root: Self.root))
        #expect(files.count >= 5, "the \(target.rawValue) seed corpus is missing or tiny")
        let failures = CorpusReplay.replay(target, files: files)
        #expect(failures.isEmpty, "\(failures)")
    }
}
