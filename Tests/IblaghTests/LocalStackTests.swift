import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The README's run command, `deploy/local/run.sh`, driven as a developer would — on the executables the test
/// command already built (`IBLAGH_BIN`), in a fresh state folder and on shifted ports, so it runs beside other tests.
@Suite("The local stack script", .serialized)
struct LocalStackTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../deploy/local/run.sh").standardized.path

    struct Stack {
        let state: String
        let offset = 20_000 + Int.random(in: 0..<400) * 10

        var environment: [String: String] {
            ["IBLAGH_BIN": URL(fileURLWithPath: builtExecutable("iblagh")).deletingLastPathComponent().path,
             "IBLAGH_STATE": state, "IBLAGH_PORT_OFFSET": "\(offset)", "IBLAGH_STOP_SECONDS": "20",
             "IBLAGH_SCRYPT_LOG_N": "4"]  // the cheapest receipt hash: the fault run submits thousands of reports
        }

        func call(_ arguments: String...) async throws -> CommandResult {
            try await run("/bin/bash", [LocalStackTests.script] + arguments, timeout: 180, environment: environment)
        }

        /// The instances' process ids, as the script recorded them.
        func pids() throws -> [String: Int32] {
            let text = (try? String(contentsOfFile: "\(state)/local/pids", encoding: .utf8)) ?? ""
            return Dictionary(text.split(separator: "\n").compactMap { line in
                let parts = line.split(separator: " ")
                return parts.count == 2 ? Int32(parts[1]).map { (String(parts[0]), $0) } : nil
            }, uniquingKeysWith: { _, last in last })
        }

        /// Stops whatever still runs, for a `defer` (which cannot await): it blocks its thread, so only as the
        /// safety net of a test that stops the stack itself — a second stop finds nothing to do and returns at once.
        func stopOnExit() {
            _ = try? runBlocking("/bin/bash", [LocalStackTests.script, "stop"], timeout: 60, environment: environment)
        }

        /// Process ids of anything still running from this stack's folder (its services run with configs in it).
        func leftovers() async throws -> [String] {
            let found = try await run("/usr/bin/pgrep", ["-f", state])
            return found.output.split(separator: "\n").map(String.init)
        }
    }

    static func isRunning(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return !(stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") ?? true)
    }

    /// The shell command the script printed after `label`, over its continuation lines, up to the line of `next`.
    static func printedCommand(in output: String, from label: String, to next: String) throws -> String {
        let lines = output.split(separator: "\n").map(String.init)
        let start = try #require(lines.firstIndex { $0.contains(label) })
        let end = try #require(lines[start...].firstIndex { $0.contains(next) })
        let first = try #require(lines[start].range(of: label)).upperBound
        return ([String(lines[start][first...])] + lines[(start + 1)..<end]).joined(separator: "\n")
    }

    @Test("starts the seven instances, serves a demonstration report, and stops cleanly — twice in a row, leaving no process behind")
    func startStopTwice() async throws {
        let stack = Stack(state: try temporaryDirectory())
        defer { stack.stopOnExit() }
        var firstPids: [String: Int32] = [:]
        for round in 1...2 {
            let started = try await stack.call()
            #expect(started.status == 0, "round \(round): \(started.error)")
            for instance in ["intake", "router-1", "router-2", "notifier-east", "notifier-west", "tracker", "statistics"] {
                #expect(started.output.contains("\(instance) ") && started.output.contains("ready"), "round \(round): \(instance) not reported ready")
            }
            let pids = try stack.pids()
            #expect(pids.count == 7 && pids.values.allSatisfy(Self.isRunning), "round \(round): \(pids)")
            if round == 2 { #expect(Set(pids.values).isDisjoint(with: firstPids.values)) }
            firstPids = pids

            // The printed follow-up command works: the JSON API knows the demonstration report.
            let follow = try #require(started.output.split(separator: "\n").first { $0.contains("follow a report") })
            let words = follow.split(separator: " ").map(String.init)
            let secret = try #require(words.first { $0.hasSuffix("'") && $0.count == 24 }?.dropLast())
            let url = try #require(words.last.flatMap(URL.init(string:)))
            var request = URLRequest(url: url)
            request.setValue(String(secret), forHTTPHeaderField: "Iblagh-Receipt-Secret")
            let (_, response) = try await URLSession.shared.data(for: request)
            #expect((response as? HTTPURLResponse)?.statusCode == 200, "round \(round): \(follow)")
            // The printed web form answers, in Arabic.
            let form = try #require(started.output.split(separator: "\n").first { $0.contains("web form") })
            let formURL = try #require(form.split(separator: " ").first { $0.hasPrefix("http") }.flatMap { URL(string: "\($0)ar/report") })
            let (page, _) = try await URLSession.shared.data(from: formURL)
            #expect(String(decoding: page, as: UTF8.self).contains("dir=\"rtl\""), "round \(round): \(formURL)")
            // The printed API description answers.
            let described = try #require(started.output.split(separator: "\n").first { $0.contains("the JSON API") })
            let descriptionURL = try #require(described.split(separator: " ").first { $0.hasPrefix("http") }.map(String.init))
            let description = try await httpAnswer(descriptionURL)
            #expect(description.status == 200 && description.body.contains("\"openapi\": \"3.1.0\""), "round \(round): \(descriptionURL)")

            // The printed submit commands work as printed, over the JSON API and over the bus.
            for (label, next) in [("submit (JSON API)", "submit (bus)"), ("submit (bus)", "Kénitra's console")] {
                let command = try Self.printedCommand(in: started.output, from: label, to: next)
                let submitted = try await run("/bin/bash", ["-c", command])
                #expect(submitted.status == 0 && submitted.output.contains("IBL-"), "round \(round): \(command)\n\(submitted.output)\(submitted.error)")
            }

            // Called again while it runs, the script stops it: every instance exits on SIGTERM, nothing remains.
            let stopped = try await stack.call()
            #expect(stopped.status == 0 && stopped.output.contains("stopping"), "\(stopped.output)\(stopped.error)")
            #expect(!stopped.error.contains("killed"), "an instance needed SIGKILL: \(stopped.error)")
            #expect(pids.values.allSatisfy { !Self.isRunning($0) })
            #expect(try await stack.leftovers() == [])
        }
    }

    @Test("--postgres: the stack keeps its stores in a throw-away PostgreSQL server; the reports reach the tracker there; a second call stops the services and the server")
    func onPostgres() async throws {
        let stack = Stack(state: try temporaryDirectory())
        defer { stack.stopOnExit() }
        let started = try await stack.call("--postgres")
        #expect(started.status == 0, "\(started.error)")
        let server = try #require(started.output.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("postgresql://") }?
            .trimmingCharacters(in: CharacterSet(charactersIn: ").")))
        #expect(try stack.pids().count == 7)
        // Both demonstration reports are cases in the tracker's database on that server (the tracker is the last
        // stage they reach before statistics).
        var cases = ""
        for _ in 0..<100 where cases != "2" {
            cases = (try? await PostgresQuery.run("\(server)/iblagh_tracker_1", "SELECT COUNT(*) FROM tracker_case")) ?? ""
            if cases != "2" { try await Task.sleep(for: .milliseconds(200)) }
        }
        #expect(cases == "2", "cases in the tracker's PostgreSQL database: \(cases)")
        #expect(!FileManager.default.fileExists(atPath: "\(stack.state)/local/tracker-1/tracker.db"))

        let stopped = try await stack.call()
        #expect(stopped.status == 0 && stopped.output.contains("stopping"), "\(stopped.output)\(stopped.error)")
        #expect(try await stack.leftovers() == [], "services or the PostgreSQL server still run")
    }

    @Test("a crashed instance shows as EXITED and restarts alone, the others untouched")
    func crashAndRestart() async throws {
        let stack = Stack(state: try temporaryDirectory())
        defer { stack.stopOnExit() }
        let started = try await stack.call("start")
        #expect(started.status == 0, "\(started.error)")
        let before = try stack.pids()
        let victim = try #require(before["router-2"])
        kill(victim, SIGKILL)
        try await Task.sleep(for: .milliseconds(300))
        let status = try await stack.call("status")
        let line = status.output.split(separator: "\n").first { $0.hasPrefix("router-2 ") } ?? ""
        #expect(line.contains("EXITED"), "\(status.output)")
        #expect(status.output.split(separator: "\n").filter { $0.contains(" running ") && $0.contains(" ready (http://127.0.0.1:") }.count == 6, "\(status.output)")

        let restarted = try await stack.call("restart", "router-2")
        #expect(restarted.status == 0 && restarted.output.contains("router-2") && restarted.output.contains("ready"),
                "status \(restarted.status): \(restarted.output)\(restarted.error)")
        let after = try stack.pids()
        #expect(after["router-2"] != victim && after["router-2"].map(Self.isRunning) == true)
        for (name, pid) in before where name != "router-2" { #expect(after[name] == pid, "\(name) was restarted too") }
        let stopped = try await stack.call("stop")
        #expect(stopped.status == 0)
        #expect(try await stack.leftovers() == [])
    }

    @Test("a port another process listens on (a stack left running elsewhere) is refused before anything starts, naming the port")
    func portInUse() async throws {
        // A port another test's services just left can still be taken (TIME_WAIT, or a stack beside this suite on
        // an overlapping offset): draw offsets until intake's HTTP port is one this test can listen on.
        let state = try temporaryDirectory()
        let (stack, port, listener) = try #require((0..<20).lazy.compactMap { _ -> (Stack, Int, Int32)? in
            let stack = Stack(state: state)
            let port = stack.offset + 8080  // intake's HTTP port
            return Self.listen(on: port).map { (stack, port, $0) }
        }.first, "no port free to take in 20 draws")
        defer { close(listener) }
        defer { stack.stopOnExit() }
        let started = try await stack.call()
        #expect(started.status != 0)
        #expect(started.error.contains("\(port)") && started.error.contains("already in use"), "\(started.error)")
        #expect(!started.output.contains("ready"), "\(started.output)")
        #expect(try stack.pids().isEmpty)
        #expect(try await stack.leftovers() == [])
    }

    /// A TCP socket listening on 127.0.0.1:`port`, or nil.
    static func listen(on port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var reuse: Int32 = 1  // as servers do: a connection this port's last owner closed (TIME_WAIT) does not block it
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 1) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
