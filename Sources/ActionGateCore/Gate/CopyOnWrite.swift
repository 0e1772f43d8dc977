/// A value kept in one shared box and copied only when a holder changes it while others hold it
/// too: a copy of the holder is one reference count, whatever the value holds.
///
/// `ForwardPlan` and `PendingRequest` keep their fields in one: the data plane holds each for a
/// whole exchange and reads it at several steps, and their fields (header lists, audit facts, a
/// body, a request head) would otherwise cost a reference count each per copy.
struct CopyOnWrite<Value: Sendable & Equatable>: @unchecked Sendable, Equatable {
    /// Never mutated while shared: `value`'s modify accessor first makes it unique.
    private final class Box {
        var value: Value

        init(_ value: Value) {
            self.value = value
        }
    }

    private var box: Box

    init(_ value: Value) {
        box = Box(value)
    }

    var value: Value {
        get { box.value }
        _modify {
            if !isKnownUniquelyReferenced(&box) { box = Box(box.value) }
            yield &box.value
        }
    }

    /// Equal when the values are (the same box, at once).
    static func == (lhs: CopyOnWrite, rhs: CopyOnWrite) -> Bool {
        lhs.box === rhs.box || lhs.box.value == rhs.box.value
    }
}
