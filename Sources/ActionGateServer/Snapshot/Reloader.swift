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
    private let stamps: Mutex<[FileStamp?]>
    private let serial = Mutex<Void>(())

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
        self.stamps = Mutex(FileStamp.read(inputs.watchedFiles))
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
        let files = inputs.watchedFiles
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if self.filesChanged(files) { continuation.yield("watched file changed") }
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
            stamps.withLock { $0 = FileStamp.read(inputs.watchedFiles) }
            do {
                let snapshot = try inputs.load()
                publish(snapshot)
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

    private func filesChanged(_ files: [String]) -> Bool {
        let now = FileStamp.read(files)
        return stamps.withLock { $0 != now }
    }

    private static func sighupSource(_ continuation: AsyncStream<String>.Continuation) -> any DispatchSourceSignal {
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { continuation.yield("SIGHUP") }
        source.resume()
        return source
    }
}
