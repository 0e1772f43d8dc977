import Testing

@testable import ActionGateServer

@Suite struct ConnectionStateMachineTests {
    typealias Machine = ConnectionStateMachine

    static func inFlight(_ mode: Machine.BodyMode, keepAlive: Bool = true) -> Machine {
        var machine = Machine()
        _ = machine.bytesArrived()
        machine.headReceived(keepAlive: keepAlive, asksUpgrade: false)
        machine.bodyMode(mode)
        return machine
    }

    @Test func firstByteStartsTheHeadOnce() {
        var machine = Machine()
        let first = machine.bytesArrived()
        let second = machine.bytesArrived()
        #expect(first)
        #expect(!second)
        #expect(machine.phase == .awaitingHead(started: true))
    }

    struct Ending: Sendable, CustomTestStringConvertible {
        var mode: Machine.BodyMode
        var keepAlive: Bool
        var responseFirst: Bool
        var expected: Machine.AfterExchange
        var testDescription: String { "\(mode) keepAlive=\(keepAlive) responseFirst=\(responseFirst)" }
    }

    static let endings: [Ending] = [
        Ending(mode: .none, keepAlive: true, responseFirst: false, expected: .nextRequest),
        Ending(mode: .none, keepAlive: true, responseFirst: true, expected: .nextRequest),
        Ending(mode: .none, keepAlive: false, responseFirst: true, expected: .close),
        Ending(mode: .collect, keepAlive: true, responseFirst: false, expected: .nextRequest),
        Ending(mode: .collect, keepAlive: true, responseFirst: true, expected: .close),
        Ending(mode: .stream, keepAlive: true, responseFirst: false, expected: .nextRequest),
        Ending(mode: .stream, keepAlive: true, responseFirst: true, expected: .close),
        Ending(mode: .ignore, keepAlive: true, responseFirst: false, expected: .close),
        Ending(mode: .discard, keepAlive: true, responseFirst: false, expected: .nextRequest),
        Ending(mode: .discard, keepAlive: true, responseFirst: true, expected: .close),
    ]

    /// Keep-alive only when both sides of the exchange ended and nothing forbade it; a response
    /// that ends before its request body leaves unread bytes, so the connection closes.
    @Test(arguments: endings)
    func exchangeEnding(_ ending: Ending) {
        var machine = Self.inFlight(ending.mode, keepAlive: ending.keepAlive)
        let result: Machine.AfterExchange
        if ending.responseFirst {
            let first = machine.responseEnded()
            result = first == .wait ? machine.requestEnded() : first
        } else {
            let requestEnd = machine.requestEnded()
            #expect(requestEnd == .wait)
            result = machine.responseEnded()
        }
        #expect(result == ending.expected)
        #expect(machine.phase == (result == .close ? .closed : .awaitingHead(started: false)))
    }

    /// A response written while the request body is still unread announces the close.
    @Test(arguments: [
        (Machine.BodyMode.none, false), (.collect, true), (.stream, true), (.ignore, true), (.discard, true),
    ])
    func responseAnnouncesCloseWhileTheBodyIsUnread(_ mode: Machine.BodyMode, _ closes: Bool) {
        var machine = Self.inFlight(mode)
        #expect(machine.closesAfterResponse == closes)
        if mode != .ignore {
            _ = machine.requestEnded()
            #expect(!machine.closesAfterResponse)
        }
    }

    @Test func upgradeAndHalfCloseAndQuiesceForbidKeepAlive() {
        var upgrade = Machine()
        upgrade.headReceived(keepAlive: true, asksUpgrade: true)
        #expect(upgrade.closeAfterResponse)

        var halfClosed = Self.inFlight(.none)
        let whileBusy = halfClosed.inputEnded()
        #expect(whileBusy == .wait)
        _ = halfClosed.requestEnded()
        let afterResponse = halfClosed.responseEnded()
        #expect(afterResponse == .close)

        var idle = Machine()
        let whenIdle = idle.quiesce()
        #expect(whenIdle == .close)
        var busy = Self.inFlight(.none)
        let whenBusy = busy.quiesce()
        #expect(whenBusy == .wait)
        _ = busy.requestEnded()
        let afterBusyResponse = busy.responseEnded()
        #expect(afterBusyResponse == .close)

        var idleHalfClosed = Machine()
        let idleHalfClose = idleHalfClosed.inputEnded()
        #expect(idleHalfClose == .close)
    }

    struct Reading: Sendable, CustomTestStringConvertible {
        var mode: Machine.BodyMode
        var streamReady: Bool
        var expected: Bool
        var testDescription: String { "\(mode) streamReady=\(streamReady)" }
    }

    static let readings: [Reading] = [
        Reading(mode: .collect, streamReady: false, expected: true),
        Reading(mode: .stream, streamReady: false, expected: false),
        Reading(mode: .stream, streamReady: true, expected: true),
        Reading(mode: .none, streamReady: true, expected: false),
        Reading(mode: .discard, streamReady: true, expected: false),
        Reading(mode: .ignore, streamReady: true, expected: false),
    ]

    /// One request at a time: the socket is read for a head, for a body being collected, and for
    /// a streamed body only while the upstream can take it.
    @Test(arguments: readings)
    func readGating(_ reading: Reading) {
        let machine = Self.inFlight(reading.mode)
        #expect(machine.wantsRead(streamReady: reading.streamReady) == reading.expected)
    }

    @Test func readsAheadOnceTheRequestIsComplete() {
        var machine = Self.inFlight(.collect)
        _ = machine.requestEnded()
        #expect(machine.wantsRead(streamReady: false))
        var halfClosed = Self.inFlight(.none)
        _ = halfClosed.requestEnded()
        _ = halfClosed.inputEnded()
        #expect(!halfClosed.wantsRead(streamReady: true))
        #expect(Machine().wantsRead(streamReady: false))
    }

    struct Overdue: Sendable, CustomTestStringConvertible {
        var phase: Machine.Phase
        var head = false
        var body = false
        var upstream = false
        var expected: Machine.TimeoutAction?
        var testDescription: String { "\(phase) head=\(head) body=\(body) upstream=\(upstream)" }
    }

    static let overdue: [Overdue] = [
        Overdue(phase: .awaitingHead(started: false), head: true, expected: .closeSilently),
        Overdue(phase: .awaitingHead(started: true), head: true, expected: .requestTimeout),
        Overdue(phase: .awaitingHead(started: true), expected: nil),
        Overdue(
            phase: .inFlight(body: .collect, bodyComplete: false, response: .deciding), body: true,
            expected: .requestTimeout),
        Overdue(
            phase: .inFlight(body: .stream, bodyComplete: false, response: .upstream), body: true,
            expected: .requestTimeout),
        Overdue(
            phase: .inFlight(body: .stream, bodyComplete: false, response: .upstream), upstream: true,
            expected: .upstreamDeadline),
        Overdue(
            phase: .inFlight(body: .none, bodyComplete: true, response: .upstream), upstream: true,
            expected: .upstreamDeadline),
        Overdue(
            phase: .inFlight(body: .none, bodyComplete: true, response: .relaying), upstream: true, expected: .abort),
        Overdue(
            phase: .inFlight(body: .stream, bodyComplete: false, response: .relaying), body: true, expected: .abort),
        Overdue(phase: .inFlight(body: .none, bodyComplete: true, response: .deciding), body: true, expected: nil),
    ]

    @Test(arguments: overdue)
    func timeouts(_ overdue: Overdue) {
        var machine = Machine()
        switch overdue.phase {
        case .awaitingHead(let started):
            if started { _ = machine.bytesArrived() }
        case .inFlight(let body, let complete, let response):
            machine.headReceived(keepAlive: true, asksUpgrade: false)
            machine.bodyMode(body)
            if complete { _ = machine.requestEnded() }
            machine.responseProgress(response)
        case .closed:
            machine.closed()
        }
        #expect(machine.phase == overdue.phase)
        let action = machine.timeoutAction(
            headOverdue: overdue.head, bodyOverdue: overdue.body, upstreamOverdue: overdue.upstream)
        #expect(action == overdue.expected)
    }
}
