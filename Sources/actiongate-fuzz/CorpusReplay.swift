import Foundation

/// Runs saved inputs (seed corpora, crash reproducers) through a target without libFuzzer: the normal
/// build's mode, used by `swift test` and by `actiongate-fuzz TARGET [PATH…]`.
enum CorpusReplay {
    /// One input whose property check failed.
    struct Failure: CustomStringConvertible {
        let file: String
        let message: String

        var description: String { "\(file): \(message)" }
    }

    /// The regular files named, or directly inside the folders named, sorted; missing paths are skipped.
    static func files(in paths: [String]) -> [String] {
        let manager = FileManager.default
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue {
                files.append(path)
                continue
            }
            let names = (try? manager.contentsOfDirectory(atPath: path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                let file = (path as NSString).appendingPathComponent(name)
                var nested: ObjCBool = false
                if manager.fileExists(atPath: file, isDirectory: &nested), !nested.boolValue { files.append(file) }
            }
        }
        return files
    }

    /// The seed corpus and regression folders of `target` under `root` (the package folder).
    static func defaultPaths(for target: FuzzTarget, root: String) -> [String] {
        ["Fuzz/corpus/\(target.rawValue)", "Fuzz/regressions/\(target.rawValue)"].map {
            (root as NSString).appendingPathComponent($0)
        }
    }

    /// Runs every file through `target`; returns the failures (a crash would end the process instead).
    static func replay(_ target: FuzzTarget, files: [String]) -> [Failure] {
        var failures: [Failure] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                failures.append(Failure(file: file, message: "cannot be read"))
                continue
            }
            do {
                try target.run([UInt8](data))
            } catch {
                failures.append(Failure(file: file, message: error.message))
            }
        }
        return failures
    }
}
