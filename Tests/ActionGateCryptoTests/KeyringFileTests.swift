import Foundation
import Testing

@testable import ActionGateCrypto

/// A fresh folder for keyring files, removed afterwards.
func withKeyringFolder<T>(_ body: (String) throws -> T) throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keyring-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try body(folder)
}

/// Writes `text` to `path` with `mode`.
func writeKeyringFile(_ text: String, to path: String, mode: Int = 0o600) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
}

@Suite struct KeyringFileTests {
    @Test func savesAndLoadsAKeyringWithMode0600() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            let keyring = try keyringFixture()
            try KeyringFile.save(keyring, to: path)
            #expect(try KeyringFile.load(from: path) == keyring)
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test(arguments: [0o644, 0o640, 0o604, 0o660, 0o601, 0o620, 0o777])
    func refusesFilesOthersCanAccess(mode: Int) throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try KeyringFile.save(try keyringFixture(), to: path)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            #expect {
                try KeyringFile.load(from: path)
            } throws: { error in
                let error = error as? KeyringError
                return error == .insecurePermissions(path: path, mode: UInt32(mode))
                    && error?.description.contains("chmod 600 \(path)") == true
            }
        }
    }

    @Test(arguments: [0o600, 0o400, 0o700])
    func acceptsPrivateModes(mode: Int) throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try KeyringFile.save(try keyringFixture(), to: path)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
            #expect(try KeyringFile.load(from: path) == keyringFixture())
        }
    }

    @Test func reportsAMissingFileWithWhatToDo() throws {
        try withKeyringFolder { folder in
            let path = folder + "/absent.json"
            #expect(throws: KeyringError.notFound(path: path)) { try KeyringFile.load(from: path) }
            #expect(KeyringError.notFound(path: path).description.contains("actiongate keys init --keyring \(path)"))
        }
    }

    @Test func refusesSomethingThatIsNotAKeyringFile() throws {
        try withKeyringFolder { folder in
            #expect { try KeyringFile.load(from: folder) } throws: { error in
                guard case .notAKeyringFile = error as? KeyringError else { return false }
                return true
            }
            let fifo = folder + "/fifo.json"
            #expect(mkfifo(fifo, 0o600) == 0)
            #expect { try KeyringFile.load(from: fifo) } throws: { error in
                guard case .notAKeyringFile = error as? KeyringError else { return false }
                return true
            }
            let big = folder + "/big.json"
            try writeKeyringFile(String(repeating: " ", count: KeyringFile.maximumSize + 1), to: big)
            #expect { try KeyringFile.load(from: big) } throws: { error in
                guard case .notAKeyringFile(_, let reason) = error as? KeyringError else { return false }
                return reason.contains("larger than")
            }
        }
    }

    @Test func createRefusesToOverwrite() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            let first = try keyringFixture()
            try KeyringFile.create(first, at: path)
            let second = try Keyring.initial(now: keyringNow, randomBytes: keyringRandom)
            #expect(throws: KeyringError.alreadyExists(path: path)) { try KeyringFile.create(second, at: path) }
            #expect(try KeyringFile.load(from: path) == first)
        }
    }

    @Test func anInterruptedWriteLeavesTheOldKeyringAndNoTemporaryFile() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            let old = try keyringFixture()
            try KeyringFile.save(old, to: path)
            let new = try old.rotating(now: keyringNow, randomBytes: keyringRandom)
            let interruption = KeyringError.io(path: path, operation: "interrupted by the test", errno: EIO)
            #expect(throws: interruption) {
                try KeyringFile.writeAtomically(new, to: path) { () throws(KeyringError) in
                    // The new keyring is fully written and synced beside the old one: stop right here.
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
                    let temporary = names.filter { $0.hasPrefix(".keys.json.tmp-") }
                    #expect(temporary.count == 1)
                    let written = temporary.first.flatMap { FileManager.default.contents(atPath: folder + "/" + $0) }
                    #expect(written.map(Array.init) == new.serialized())
                    throw interruption
                }
            }
            #expect(try KeyringFile.load(from: path) == old)
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            #expect(names == ["keys.json", "keys.json.lock"])
        }
    }

    /// `sudo actiongate keys …` on the gateway's keyring: the replacement (and the lock file) keep
    /// the keyring's owner and group, so the gateway, running as that user, can still read it.
    @Test(.enabled(if: geteuid() == 0, "needs root to give files away"))
    func anUpdateByRootKeepsTheKeyringsOwner() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            let original = try keyringFixture()
            try KeyringFile.save(original, to: path)
            let owner: (uid: uid_t, gid: gid_t) = (65534, 65534)
            #expect(chown(path, owner.uid, owner.gid) == 0)
            try KeyringFile.update(at: path) { keyring in
                keyring = try keyring.rotating(now: keyringNow, randomBytes: keyringRandom)
            }
            for file in [path, KeyringLock.path(for: path)] {
                var status = stat()
                #expect(stat(file, &status) == 0)
                #expect(status.st_uid == owner.uid && status.st_gid == owner.gid, "\(file)")
            }
            #expect(try KeyringFile.load(from: path).entries.count == original.entries.count + 1)
        }
    }

    @Test func permissionErrorsSayWhoShouldRunTheCommand() {
        for code in [EACCES, EPERM] {
            let text = KeyringError.io(path: "/etc/actiongate/keys.json", operation: "opening", errno: code).description
            #expect(text.contains("Run the command as the user the keyring belongs to"), "\(text)")
        }
        let other = KeyringError.io(path: "/k", operation: "opening", errno: EIO).description
        #expect(!other.contains("Run the command as"))
        let foreign = KeyringError.foreignOwner(path: "/k", ownerUID: 998, ownerGID: 998, ownerName: "actiongate")
        #expect(foreign.description.contains("sudo -u actiongate actiongate keys"))
        #expect(foreign.kind == .refused)
    }

    @Test func aFailingUpdateLeavesTheFileUntouched() throws {
        struct Refusal: Error {}
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try KeyringFile.save(try keyringFixture(), to: path)
            let before = FileManager.default.contents(atPath: path)
            #expect(throws: Refusal.self) {
                try KeyringFile.update(at: path) { keyring in
                    keyring = try keyring.rotating(now: keyringNow, randomBytes: keyringRandom)
                    throw Refusal()
                }
            }
            #expect(throws: KeyringError.notRetirable(id: 0xa1, state: .active)) {
                try KeyringFile.update(at: path) { keyring in
                    keyring = try keyring.retiring(id: 0xa1, now: keyringNow, minimumAge: .zero, force: true)
                }
            }
            #expect(FileManager.default.contents(atPath: path) == before)
        }
    }

    @Test func concurrentUpdatesLoseNoKey() throws {
        try withKeyringFolder { folder in
            let path = folder + "/keys.json"
            try KeyringFile.create(try Keyring.initial(now: keyringNow, randomBytes: keyringRandom), at: path)
            // Real threads, each blocking on the lock file as a separate process would.
            let group = DispatchGroup()
            for _ in 0..<12 {
                group.enter()
                Thread {
                    defer { group.leave() }
                    _ = try? KeyringFile.update(at: path) { keyring in
                        keyring = try keyring.stagingNewKey(now: keyringNow, randomBytes: keyringRandom).keyring
                    }
                }.start()
            }
            group.wait()
            let keyring = try KeyringFile.load(from: path)
            #expect(keyring.staged.count == 12)
            #expect(keyring.entries.count == 13)
        }
    }

    @Test func updatesASymlinkedKeyringAtItsTarget() throws {
        try withKeyringFolder { folder in
            let target = folder + "/real-keys.json"
            let link = folder + "/keys.json"
            try KeyringFile.save(try keyringFixture(), to: target)
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
            try KeyringFile.update(at: link) { keyring in
                keyring = try keyring.promoting(id: nil, now: keyringNow)
            }
            #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target)
            #expect(try KeyringFile.load(from: target).active.id == 0x51)
        }
    }
}
