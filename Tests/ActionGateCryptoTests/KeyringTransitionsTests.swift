import Foundation
import Synchronization
import Testing

@testable import ActionGateCrypto

@Suite struct KeyringTransitionsTests {
    static let week = Duration.seconds(7 * 86_400)

    @Test func initCreatesOneActiveKey() throws {
        let keyring = try Keyring.initial(now: keyringNow.addingTimeInterval(0.75), randomBytes: keyringRandom)
        #expect(keyring.entries.count == 1)
        #expect(keyring.active.state == .active)
        #expect(keyring.active.secret.count == 32)
        #expect(keyring.active.createdAt == keyringNow, "dates are stored in whole seconds")
        #expect(keyring.active.stateChangedAt == keyringNow)
    }

    @Test func stageAddsAStagedKeyAndLeavesTheActiveOne() throws {
        let before = try keyringFixture()
        let (after, staged) = try before.stagingNewKey(now: keyringNow, randomBytes: keyringRandom)
        #expect(after.entries.count == before.entries.count + 1)
        #expect(after.entries.last == staged)
        #expect(staged.state == .staged && staged.createdAt == keyringNow)
        #expect(after.active == before.active)
        #expect(Set(after.entries.map(\.id)).count == after.entries.count)
    }

    @Test func stageRedrawsAnIDThatIsAlreadyTaken() throws {
        let before = try keyringFixture()
        // The first id drawn (0x000000a1) is the active key's; the second is free.
        let draws = Draws([[UInt8](repeating: 9, count: 32), [0, 0, 0, 0xa1], [0, 0, 0, 0xee]])
        let (_, staged) = try before.stagingNewKey(now: keyringNow, randomBytes: draws.next)
        #expect(staged.id == 0xee)
    }

    @Test func stageRefusesWithoutRandomness() throws {
        let before = try keyringFixture()
        #expect(throws: KeyringError.randomUnavailable) {
            try before.stagingNewKey(now: keyringNow) { _ in nil }
        }
        #expect(throws: KeyringError.randomUnavailable) {
            try before.stagingNewKey(now: keyringNow) { count in [UInt8](repeating: 0, count: count - 1) }
        }
    }

    @Test func rotateMakesANewActiveKeyAndDemotesTheOldOne() throws {
        let before = try keyringFixture()
        let after = try before.rotating(now: keyringNow, randomBytes: keyringRandom)
        #expect(after.entries.count == before.entries.count + 1)
        #expect(after.active.id != before.active.id)
        #expect(after.active.createdAt == keyringNow && after.active.stateChangedAt == keyringNow)
        #expect(after.entry(id: 0xa1)?.state == .decryptOnly)
        #expect(after.entry(id: 0xa1)?.stateChangedAt == keyringNow)
        #expect(after.staged.map(\.id) == [0x51, 0x52], "other staged keys stay staged")
    }

    enum Outcome: Sendable, Equatable {
        case active(UInt32, removed: [UInt32] = [])
        case refused(KeyringError)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var change: @Sendable (Keyring) throws(KeyringError) -> Keyring
        var outcome: Outcome
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "promote without id takes the oldest staged",
            change: { k throws(KeyringError) in try k.promoting(id: nil, now: keyringNow) }, outcome: .active(0x51)),
        Case(
            name: "promote a named staged key",
            change: { k throws(KeyringError) in try k.promoting(id: 0x52, now: keyringNow) }, outcome: .active(0x52)),
        Case(
            name: "promote an unknown id",
            change: { k throws(KeyringError) in try k.promoting(id: 0x99, now: keyringNow) },
            outcome: .refused(.unknownKey(id: 0x99))),
        Case(
            name: "promote the active key",
            change: { k throws(KeyringError) in try k.promoting(id: 0xa1, now: keyringNow) },
            outcome: .refused(.notStaged(id: 0xa1, state: .active))),
        Case(
            name: "promote a decrypt-only key",
            change: { k throws(KeyringError) in try k.promoting(id: 0xd1, now: keyringNow) },
            outcome: .refused(.notStaged(id: 0xd1, state: .decryptOnly))),
        Case(
            name: "promote without id when nothing is staged",
            change: { k throws(KeyringError) in
                try k.promoting(id: 0x51, now: keyringNow).promoting(id: 0x52, now: keyringNow)
                    .promoting(id: nil, now: keyringNow)
            }, outcome: .refused(.noStagedKey)),
        Case(
            name: "retire a decrypt-only key past the guard",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0xd1, now: keyringNow, minimumAge: Self.week, force: false)
            },
            outcome: .active(0xa1, removed: [0xd1])),
        Case(
            name: "retire a recently demoted key",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0xd2, now: keyringNow, minimumAge: Self.week, force: false)
            },
            outcome: .refused(.demotedTooRecently(ids: [0xd2], safeAt: keyringNow - 3600 + 7 * 86_400))),
        Case(
            name: "retire a recently demoted key with force",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0xd2, now: keyringNow, minimumAge: Self.week, force: true)
            },
            outcome: .active(0xa1, removed: [0xd2])),
        Case(
            name: "retire exactly when the guard ends",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0xd2, now: keyringNow - 3600 + 7 * 86_400, minimumAge: Self.week, force: false)
            }, outcome: .active(0xa1, removed: [0xd2])),
        Case(
            name: "retire the active key even with force",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0xa1, now: keyringNow, minimumAge: .zero, force: true)
            },
            outcome: .refused(.notRetirable(id: 0xa1, state: .active))),
        Case(
            name: "retire a staged key even with force",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0x51, now: keyringNow, minimumAge: .zero, force: true)
            },
            outcome: .refused(.notRetirable(id: 0x51, state: .staged))),
        Case(
            name: "retire an unknown id",
            change: { k throws(KeyringError) in
                try k.retiring(id: 0x99, now: keyringNow, minimumAge: Self.week, force: true)
            },
            outcome: .refused(.unknownKey(id: 0x99))),
        Case(
            name: "prune keys demoted over 7 days ago",
            change: { k throws(KeyringError) in
                try k.pruning(
                    demotedBefore: keyringNow - 7 * 86_400, now: keyringNow, minimumAge: Self.week, force: false
                ).keyring
            }, outcome: .active(0xa1, removed: [0xd1])),
        Case(
            name: "prune with a cutoff inside the guard",
            change: { k throws(KeyringError) in
                try k.pruning(demotedBefore: keyringNow - 60, now: keyringNow, minimumAge: Self.week, force: false)
                    .keyring
            }, outcome: .refused(.demotedTooRecently(ids: [0xd2], safeAt: keyringNow - 3600 + 7 * 86_400))),
        Case(
            name: "prune with a cutoff inside the guard, forced",
            change: { k throws(KeyringError) in
                try k.pruning(demotedBefore: keyringNow - 60, now: keyringNow, minimumAge: Self.week, force: true)
                    .keyring
            }, outcome: .active(0xa1, removed: [0xd1, 0xd2])),
        Case(
            name: "prune with nothing old enough",
            change: { k throws(KeyringError) in
                try k.pruning(
                    demotedBefore: keyringNow - 60 * 86_400, now: keyringNow, minimumAge: Self.week, force: false
                )
                .keyring
            }, outcome: .active(0xa1)),
        Case(
            name: "prune never removes active or staged keys",
            change: { k throws(KeyringError) in
                try k.pruning(demotedBefore: keyringNow + 86_400, now: keyringNow, minimumAge: .zero, force: true)
                    .keyring
            }, outcome: .active(0xa1, removed: [0xd1, 0xd2])),
    ]

    @Test(arguments: cases)
    func transition(_ testCase: Case) throws {
        let before = try keyringFixture()
        let result: Keyring
        do {
            result = try testCase.change(before)
        } catch {
            #expect(testCase.outcome == .refused(error))
            return
        }
        guard case .active(let active, let removed) = testCase.outcome else {
            Issue.record("expected a refusal, got a keyring with active \(result.active.idHex)")
            return
        }
        #expect(result.active.id == active)
        let expectedIDs = before.entries.map(\.id).filter { !removed.contains($0) }
        #expect(Set(result.entries.map(\.id)) == Set(expectedIDs))
        if active != before.active.id {
            #expect(result.entry(id: before.active.id)?.state == .decryptOnly)
            #expect(result.active.stateChangedAt == keyringNow)
        }
    }

    @Test func promoteRecordsWhenTheOldKeyWasDemoted() throws {
        let later = keyringNow + 42
        let after = try keyringFixture().promoting(id: nil, now: later)
        #expect(after.entry(id: 0xa1)?.stateChangedAt == later)
        #expect(after.entry(id: 0xd1)?.stateChangedAt == keyringNow - 10 * 86_400, "other keys keep their dates")
    }

    @Test func pruneReportsWhatItRemoved() throws {
        let (_, removed) = try keyringFixture()
            .pruning(demotedBefore: keyringNow - 86_400, now: keyringNow, minimumAge: Self.week, force: false)
        #expect(removed.map(\.id) == [0xd1])
    }
}

/// Hands out prepared byte strings in order, then nothing.
final class Draws: Sendable {
    private let queue: Mutex<[[UInt8]]>
    init(_ draws: [[UInt8]]) { queue = Mutex(draws) }
    func next(_ count: Int) -> [UInt8]? {
        queue.withLock { $0.isEmpty ? nil : $0.removeFirst() }
    }
}
