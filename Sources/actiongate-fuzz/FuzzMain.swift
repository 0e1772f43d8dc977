#if !FUZZING
    import Foundation

    /// The normal build's entry point: replays saved inputs through a target (no libFuzzer needed).
    ///
    /// `actiongate-fuzz TARGET|all [PATH…]` — each PATH is an input file or a folder of them; without
    /// paths, `Fuzz/corpus/TARGET` and `Fuzz/regressions/TARGET` under the current folder. Exit 0 when
    /// every input passes, 1 when a property fails, 2 on usage errors. Built with `-DFUZZING` (see
    /// scripts/fuzz.sh) the binary is a libFuzzer fuzzer instead.
    @main
    enum FuzzMain {
        static func main() {
            var arguments = Array(CommandLine.arguments.dropFirst())
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
            guard let selector = arguments.first, selector != "-h", selector != "--help" else {
                print("usage: actiongate-fuzz \(names)|all [PATH…]")
                exit(arguments.isEmpty ? 2 : 0)
            }
            arguments.removeFirst()
            let targets: [FuzzTarget]
            if selector == "all" {
                targets = FuzzTarget.allCases
            } else if let target = FuzzTarget(rawValue: selector) {
                targets = [target]
            } else {
                FileHandle.standardError.write(Data("unknown target \(selector); expected \(names) or all\n".utf8))
                exit(2)
            }
            var failed = false
            for target in targets {
                let paths =
                    arguments.isEmpty
                    ? CorpusReplay.defaultPaths(for: target, root: FileManager.default.currentDirectoryPath) : arguments
                let files = CorpusReplay.files(in: paths)
                let failures = CorpusReplay.replay(target, files: files)
                for failure in failures { print("FAIL \(target.rawValue) \(failure)") }
                print("\(target.rawValue): \(files.count) inputs, \(failures.count) failures")
                failed = failed || !failures.isEmpty
            }
            exit(failed ? 1 : 0)
        }
    }
#endif
