#if FUZZING
    import Foundation

    /// The target a libFuzzer binary runs, from `ACTIONGATE_FUZZ_TARGET` (read once).
    enum LibFuzzerTarget {
        static let selected: FuzzTarget? = ProcessInfo.processInfo.environment[FuzzTarget.environmentVariable]
            .flatMap(FuzzTarget.init(rawValue:))
    }

    /// libFuzzer's entry point: runs one input through the selected target.
    ///
    /// A property violation aborts, which libFuzzer records as a crash and saves the input. Built only with
    /// `-DFUZZING` and `-parse-as-library` (libFuzzer supplies `main`).
    @_cdecl("LLVMFuzzerTestOneInput")
    public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
        guard let target = LibFuzzerTarget.selected else {
            let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
            FileHandle.standardError.write(Data("set \(FuzzTarget.environmentVariable) to one of: \(names)\n".utf8))
            exit(2)
        }
        let input = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
        do {
            try target.run(input)
        } catch {
            FileHandle.standardError.write(Data("property violated (\(target.rawValue)): \(error.message)\n".utf8))
            abort()
        }
        return 0
    }
#endif
