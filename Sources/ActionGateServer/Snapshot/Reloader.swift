import Dispatch
import Logging
import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Rebuilds the snapshot when a watched file changes (polled) or on SIGHUP, and publishes it only
/// when the load succeeds.
///
/// A failed load keeps the previous snapshot in force, logs why, and marks `ReloadStatus` (so
/// `/readyz` fails) until a later load succeeds. Reloads run one at a time. As a `Service` it runs
/// until graceful shutdown or cancellation.
public final class Reloader: Service, Sendable {
    private let inputs: ReloadInputs
    private let status: ReloadStatus
    private let publish: @Sendable (GatewaySnapshot) -> Void
    private let logger: Logger
    private let watch: Mutex<Watch>
    private let serial = Mutex<Void>(())

    /// The files watched now and what they looked like when the snapshot in force was loaded.
    private struct Watch {
        enum Seen: Equatable {
            /// Not stat'ed before a load: the file was first named by the load that just succeeded,
            /// so a change during that load cannot be ruled out (the next poll reloads once more).
            case unknown
            /// Its stamp before the load (`nil`: it could not be stat'ed).
            case stamp(FileStamp?)
        }

        var files: [String]
        var seen: [Seen]

        static func stamped(_ files: [String]) -> Watch {
            Watch(files: files, seen: FileStamp.read(files).map(Seen.stamp))
        }
    }

    /// Creates a reloader. The files' current state is the baseline: the caller loaded the initial
    /// snapshot from them.
    ///
    /// - Parameter publish: installs a new snapshot (`GatewayServer.publish`).
    public init(
        inputs: ReloadInputs,
        status: ReloadStatus,
        logger: Logger,
        publish: @escaping @Sendable (GatewaySnapshot) -> Void
    ) {
        self.inputs = inputs
        self.status = status
        self.publish = publish
        self.logger = logger
        self.watch = Mutex(Watch.stamped(inputs.watchedFiles))
        if inputs.reloadsOnSIGHUP {
            // A SIGHUP before the dispatch source exists must not terminate the process.
            signal(SIGHUP, SIG_IGN)
        }
    }

    /// Polls the files and listens for SIGHUP until graceful shutdown or cancellation.
    public func run() async throws {
        let (triggers, continuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
        let signalSource = inputs.reloadsOnSIGHUP ? Self.sighupSource(continuation) : nil
        defer { signalSource?.cancel() }
        let interval = inputs.pollInterval
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if self.filesChanged() { continuation.yield("watched file changed") }
                    }
                    continuation.finish()
                }
                group.addTask {
                    for await trigger in triggers {
                        self.reloadNow(trigger: trigger)
                    }
                }
                await group.waitForAll()
            }
        }
    }

    /// Loads and publishes a snapshot now; returns whether it succeeded. Safe from any thread.
    @discardableResult
    public func reloadNow(trigger: String = "requested") -> Bool {
        serial.withLock { _ in
            // Stamped before loading: a change while the load reads the files is seen by the next poll.
            let before = watch.withLock { watch in
                watch = Watch.stamped(watch.files)
                return watch
            }
            do {
                let loaded = try inputs.load()
                if loaded.watchedFiles != before.files {
                    // The configuration now names other files (a keyring or origins file elsewhere):
                    // watch those. Files watched before keep their stamps; new ones reload once more.
                    let known = Dictionary(zip(before.files, before.seen), uniquingKeysWith: { first, _ in first })
                    watch.withLock {
                        $0 = Watch(files: loaded.watchedFiles, seen: loaded.watchedFiles.map { known[$0] ?? .unknown })
                    }
                }
                publish(loaded.snapshot)
                status.loadSucceeded()
                logger.info("configuration reloaded", metadata: ["trigger": "\(trigger)"])
                return true
            } catch {
                status.loadFailed("\(error)")
                logger.error(
                    "reload failed; the previous configuration stays in force",
                    metadata: ["trigger": "\(trigger)", "error": "\(error)"]
                )
                return false
            }
        }
    }

    private func filesChanged() -> Bool {
        let files = watch.withLock { $0.files }
        let now = FileStamp.read(files).map(Watch.Seen.stamp)
        // A reload that changed the list meanwhile compared nothing: the next poll does.
        return watch.withLock { $0.files == files && $0.seen != now }
    }

    private static func sighupSource(_ continuation: AsyncStream<String>.Continuation) -> any DispatchSourceSignal {
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield("SIGHUP") }
        source.resume()
        return source
    }
}
