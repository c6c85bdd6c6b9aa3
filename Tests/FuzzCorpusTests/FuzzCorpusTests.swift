import Foundation
import FuzzTargets
import Testing
import TestSupport

/// Every fuzz target's committed corpus — its seeds, and every input a fuzzer once crashed on — replayed by the plain
/// build of `iblagh-fuzz`, in a process of its own so a broken property fails this test instead of the whole run.
@Suite("The fuzz targets' corpora")
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).appendingPathComponent("../../Fuzz/Corpus").standardized.path

    @Test("each target's corpus replays with no crash and no broken property", arguments: FuzzTarget.allCases)
    func replay(_ target: FuzzTarget) async throws {
        let folder = "\(Self.corpus)/\(target.rawValue)"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count >= 3, "the \(target.rawValue) corpus needs seeds")
        let result = try await run(builtExecutable("iblagh-fuzz"), [target.rawValue, folder])
        #expect(result.status == 0, "\(target.rawValue): \(result.error)")
        #expect(result.output.contains("\(target.rawValue): \(files.count) inputs replayed"), "\(result.output)")
    }

    @Test("the committed seeds are the ones the code writes: a schema change is seen by the fuzzers")
    func seedsAreCurrent() async throws {
        let fresh = try temporaryDirectory("seeds")
        defer { try? FileManager.default.removeItem(atPath: fresh) }
        let result = try await run(builtExecutable("iblagh-fuzz"), ["seed", fresh])
        #expect(result.status == 0, "\(result.error)")
        for target in FuzzTarget.allCases {
            let seeds = try FileManager.default.contentsOfDirectory(atPath: "\(fresh)/\(target.rawValue)").sorted()
            for seed in seeds {
                let committed = FileManager.default.contents(atPath: "\(Self.corpus)/\(target.rawValue)/\(seed)")
                #expect(committed == FileManager.default.contents(atPath: "\(fresh)/\(target.rawValue)/\(seed)"),
                        "Tests/Fuzz/Corpus/\(target.rawValue)/\(seed) is out of date: run .build/debug/iblagh-fuzz seed Tests/Fuzz/Corpus")
            }
        }
    }
}
