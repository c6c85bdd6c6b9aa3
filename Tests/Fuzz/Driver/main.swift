import Foundation
import FuzzTargets

// iblagh-fuzz: one program for every fuzz target.
//
//   iblagh-fuzz TARGET [libFuzzer options] [CORPUS_DIR...]   built with fuzzing (Tests/Fuzz/fuzz.sh): fuzz TARGET
//   iblagh-fuzz TARGET FILE_OR_DIR...                         a plain build: run TARGET once on each input (a replay)
//   iblagh-fuzz seed DIR                                      write every target's seed inputs to DIR/TARGET/
//
// Targets: envelope, messages, report, report-json, place, form.

let arguments = CommandLine.arguments
let usage = "usage: iblagh-fuzz TARGET [OPTIONS] [CORPUS...] | iblagh-fuzz seed DIR\n"
    + "targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n"

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("iblagh-fuzz: \(message)\n".utf8))
    exit(2)
}

guard arguments.count >= 2 else { fail("no target\n" + usage) }

if arguments[1] == "seed" {
    guard arguments.count == 3 else { fail("seed needs the corpus folder\n" + usage) }
    do {
        for target in FuzzTarget.allCases {
            let folder = "\(arguments[2])/\(target.rawValue)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (index, input) in try FuzzSeeds.inputs(for: target).enumerated() {
                try Data(input).write(to: URL(fileURLWithPath: "\(folder)/seed-\(index)"))
            }
        }
    } catch {
        fail("cannot write the seeds: \(error)")
    }
    exit(0)
}

guard let target = FuzzTarget(rawValue: arguments[1]) else { fail("unknown target \(arguments[1])\n" + usage) }

#if FUZZING
/// libFuzzer's entry for a program with its own main (LLVM 13 and later).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

nonisolated(unsafe) var selected = target

/// libFuzzer's runtime names this entry even when the driver is started through `LLVMFuzzerRunDriver`.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected.run(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
// libFuzzer reads its own options and corpus folders; it sees the program name and what follows the target.
var fuzzerArguments = [arguments[0]] + arguments.dropFirst(2)
var argc = CInt(fuzzerArguments.count)
var cArguments: [UnsafeMutablePointer<CChar>?] = fuzzerArguments.map { strdup($0) } + [nil]
let status = cArguments.withUnsafeMutableBufferPointer { buffer in
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = buffer.baseAddress
    return LLVMFuzzerRunDriver(&argc, &argv, fuzzOne)
}
exit(status)
#else
var inputs = 0
for path in arguments.dropFirst(2) {
    var isFolder: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { fail("no such file or folder: \(path)") }
    let files = isFolder.boolValue
        ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" } : [path]
    for file in files {
        guard let data = FileManager.default.contents(atPath: file) else { fail("cannot read \(file)") }
        target.run(Array(data))
        inputs += 1
    }
}
print("\(target.rawValue): \(inputs) inputs replayed, no property broken")
#endif
