import Foundation
import Synchronization
import Testing

/// Concurrent `actiongate keys stage` processes, as several operators or scripts might run them.
@Suite struct KeysConcurrencyTests {
    @Test func twentyConcurrentStageProcessesLoseNoKey() throws {
        try withTemporaryFolder { folder in
            #expect(try actiongate(["keys", "init", "--keyring", "keys.json"], in: folder).status == 0)
            let statuses = Mutex<[Int32]>([])
            let group = DispatchGroup()
            // One thread per process so all twenty run at once and contend for the lock.
            for _ in 0..<20 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    let status =
                        (try? actiongate(["keys", "stage", "--keyring", "keys.json"], in: folder).status) ?? -1
                    statuses.withLock { $0.append(status) }
                }.start()
            }
            group.wait()
            #expect(statuses.withLock { $0 } == [Int32](repeating: 0, count: 20))
            let keys = try listedKeys("keys.json", in: folder)
            #expect(keys.filter { $0["state"] as? String == "staged" }.count == 20)
            #expect(keys.filter { $0["state"] as? String == "active" }.count == 1)
            #expect(Set(keys.compactMap { $0["id"] as? String }).count == 21)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
                $0.contains(".tmp-")
            }
            #expect(leftovers.isEmpty)
        }
    }
}
