import Synchronization

/// The demo app's data: notes kept in memory for the life of the process.
///
/// Bounded (`capacity` notes of at most `maximumLength` characters) because anyone who can reach
/// the demo can add notes.
final class DemoNotes: Sendable {
    /// One note.
    struct Note: Sendable, Equatable {
        var id: Int
        var author: String
        var text: String
    }

    static let capacity = 50
    static let maximumLength = 280

    private struct State {
        var notes: [Note] = []
        var nextID = 1
    }

    private let state = Mutex(State())

    /// The notes, newest first.
    var all: [Note] {
        state.withLock { $0.notes.reversed() }
    }

    /// Adds a note (dropping the oldest beyond `capacity`) and returns its id.
    @discardableResult
    func add(author: String, text: String) -> Int {
        state.withLock { state in
            let id = state.nextID
            state.nextID &+= 1
            state.notes.append(Note(id: id, author: author, text: String(text.prefix(Self.maximumLength))))
            if state.notes.count > Self.capacity { state.notes.removeFirst(state.notes.count - Self.capacity) }
            return id
        }
    }

    /// Removes the note `id`; returns whether it existed.
    @discardableResult
    func remove(id: Int) -> Bool {
        state.withLock { state in
            guard let index = state.notes.firstIndex(where: { $0.id == id }) else { return false }
            state.notes.remove(at: index)
            return true
        }
    }

    /// Removes every note; returns how many there were.
    @discardableResult
    func removeAll() -> Int {
        state.withLock { state in
            defer { state.notes.removeAll() }
            return state.notes.count
        }
    }
}
