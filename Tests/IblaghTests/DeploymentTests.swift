import Foundation
import ServiceBootstrap
import Testing
import TestSupport

/// deploy/systemd and deploy/kubernetes, checked by the tools that will read them (systemd-analyze, kubectl's
/// kustomize) and against docs/configuration.md, so a unit or a manifest cannot name a setting that does not exist.
@Suite("Deployment files: systemd units, Kubernetes manifests, Prometheus alerts")
struct DeploymentTests {
    static let root = ConfigurationReferenceTests.root
    static let services = ["intake", "router", "notifier", "tracker", "statistics"]

    @Test("the systemd units pass systemd-analyze verify, are hardened, and name only documented settings")
    func systemdUnits() async throws {
        let directory = try temporaryDirectory()
        let bin = URL(fileURLWithPath: builtExecutable("iblagh")).deletingLastPathComponent().path
        let documented = Set(try ConfigurationReferenceTests.keysInDoc().keys.map(Settings.commandLineName))
        var instances: [String] = []
        for service in Self.services {
            let name = "iblagh-\(service)@.service"
            let text = try String(contentsOfFile: Self.root.appendingPathComponent("deploy/systemd/\(name)").path, encoding: .utf8)
            for required in ["DynamicUser=yes", "ProtectSystem=strict", "LoadCredential=curve.key_secret:", "StateDirectory=iblagh/\(service)-%i",
                             "NoNewPrivileges=yes", "KillSignal=SIGTERM", "Restart=on-failure", "WantedBy=iblagh.target"] {
                #expect(text.contains(required), "\(name) lacks \(required)")
            }
            var execStart = "", continuing = false
            for line in text.split(separator: "\n") where continuing || line.hasPrefix("ExecStart=") {
                execStart += " " + line
                continuing = line.hasSuffix("\\")
            }
            let flags = execStart.split(whereSeparator: \.isWhitespace).filter { $0.hasPrefix("--") && $0 != "--config" }.map { String($0.dropFirst(2)) }
            #expect(flags.count >= 3)
            for flag in flags { #expect(documented.contains(flag), "\(name): --\(flag) is not a documented setting") }
            // Verified as installed, but with the executables of this build in place of /usr/local/bin.
            try text.replacingOccurrences(of: "/usr/local/bin/", with: "\(bin)/").write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: "\(directory)/iblagh-\(service)@1.service", withDestinationPath: name)
            instances.append("\(directory)/iblagh-\(service)@1.service")
        }
        try FileManager.default.copyItem(atPath: Self.root.appendingPathComponent("deploy/systemd/iblagh.target").path, toPath: "\(directory)/iblagh.target")
        let verified = try await run("/usr/bin/env", ["systemd-analyze", "verify", "--man=no"] + instances + ["\(directory)/iblagh.target"])
        #expect(verified.status == 0 && verified.error.isEmpty && verified.output.isEmpty, "\(verified.output)\(verified.error)")
        for instance in instances {
            let security = try await run("/usr/bin/env", ["systemd-analyze", "security", "--offline=true", "--no-pager", instance])
            let summary = security.output.split(separator: "\n").first { $0.contains("Overall exposure level") } ?? ""
            let level: Double? = summary.split(separator: ":").last?.split(separator: " ").first.flatMap { Double(String($0)) }
            #expect((level ?? 10) <= 2.0, "\(instance): \(summary) \(security.error)")
        }
    }

    @Test("the Prometheus alerts pass promtool's check and unit tests, each alert is tested, and each metric they read is one the services export and operations.md describes")
    func prometheusAlerts() async throws {
        let folder = Self.root.appendingPathComponent("deploy/prometheus").path
        let checked = try await run("/usr/bin/promtool", ["check", "config", "\(folder)/prometheus.yml"])
        #expect(checked.status == 0, "\(checked.output)\(checked.error)")
        let tested = try await run("/usr/bin/promtool", ["test", "rules", "\(folder)/alerts_test.yml"])
        #expect(tested.status == 0, "\(tested.output)\(tested.error)")

        let alerts = try String(contentsOfFile: "\(folder)/alerts.yml", encoding: .utf8)
        let tests = try String(contentsOfFile: "\(folder)/alerts_test.yml", encoding: .utf8)
        func matches(_ pattern: String, in text: String) throws -> Set<String> {
            let expression = try NSRegularExpression(pattern: pattern)
            return Set(expression.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { String(text[Range($0.range(at: 1), in: text)!]) })
        }
        let names = try matches(#"- alert: (\w+)"#, in: alerts)
        #expect(names.count >= 10)
        #expect(names.subtracting(try matches(#"alertname: (\w+)"#, in: tests)).sorted() == [], "alerts without a test that fires them")

        let metrics = try matches(#"\b(iblagh_\w+)"#, in: alerts)
        let code = try ["Shared", "Services"].flatMap { folder in
            try (FileManager.default.enumerator(atPath: Self.root.appendingPathComponent(folder).path)?.compactMap { $0 as? String } ?? [])
                .filter { $0.hasSuffix(".swift") }
                .map { try String(contentsOf: Self.root.appendingPathComponent(folder).appendingPathComponent($0), encoding: .utf8) }
        }.joined()
        let exported = try matches(#"label: "(iblagh_\w+)""#, in: code)
        let operations = try String(contentsOf: Self.root.appendingPathComponent("docs/operations.md"), encoding: .utf8)
        #expect(metrics.count >= 8)
        #expect(metrics.subtracting(exported).sorted() == [], "alerts on metrics no service exports")
        #expect(metrics.filter { !operations.contains("`\($0)") }.sorted() == [], "alerts on metrics operations.md does not describe")
    }

    @Test("the example settings per region name only documented keys and, with their unit, every required one")
    func exampleSettings() throws {
        let doc = try ConfigurationReferenceTests.keysInDoc()
        let examples = Self.root.appendingPathComponent("deploy/systemd/examples")
        let files = (FileManager.default.enumerator(atPath: examples.path)?.compactMap { $0 as? String } ?? []).filter { $0.hasSuffix(".json") }
        #expect(files.count >= 8)
        for file in files {
            let service = URL(fileURLWithPath: file).deletingLastPathComponent().lastPathComponent
            let object = try JSONSerialization.jsonObject(with: Data(contentsOf: examples.appendingPathComponent(file))) as? [String: Any] ?? [:]
            var keys: [String] = []
            func walk(_ node: [String: Any], _ prefix: String) {
                for (name, value) in node {
                    let key = prefix.isEmpty ? name : "\(prefix).\(name)"
                    if let nested = value as? [String: Any] { walk(nested, key) } else { keys.append(key) }
                }
            }
            walk(object, "")
            for key in keys { #expect(doc[key] != nil, "\(file): \(key) is not a documented setting") }
            let unit = try String(contentsOfFile: Self.root.appendingPathComponent("deploy/systemd/iblagh-\(service)@.service").path, encoding: .utf8)
            for (key, value) in doc where value == "required" && key.hasPrefix(service + ".") {
                let setByUnit = unit.contains("--\(Settings.commandLineName(key)) ")
                #expect(keys.contains(key) || setByUnit, "\(file): the required \(key) is set neither here nor by the unit")
            }
        }
    }

    /// The overlays rendered by `kubectl kustomize`, as JSON objects (through PyYAML).
    static func rendered() async throws -> [String: [[String: Any]]] {
        let copy = try temporaryDirectory()
        try FileManager.default.copyItem(atPath: root.appendingPathComponent("deploy").path, toPath: "\(copy)/deploy")
        try? FileManager.default.removeItem(atPath: "\(copy)/deploy/kubernetes/generated")
        let bin = URL(fileURLWithPath: builtExecutable("iblagh")).deletingLastPathComponent().path
        let keys = try await run("/bin/bash", ["\(copy)/deploy/kubernetes/generate-keys.sh"], environment: ["IBLAGH_BIN": bin])
        #expect(keys.status == 0, "\(keys.error)")
        var overlays: [String: [[String: Any]]] = [:]
        for overlay in ["national", "rabat-sale-kenitra", "casablanca-settat"] {
            let built = try await run("/usr/bin/env", ["kubectl", "kustomize", "\(copy)/deploy/kubernetes/overlays/\(overlay)"])
            if built.error.contains("No such file") || built.status == 127 {
                Issue.record("kubectl is needed to check deploy/kubernetes (it is on the build image; see docs/operations.md)")
            }
            #expect(built.status == 0, "\(overlay): \(built.error)")
            try built.output.write(toFile: "\(copy)/\(overlay).yaml", atomically: true, encoding: .utf8)
            let json = try await run("/usr/bin/env", ["python3", "-c", "import json, sys, yaml; print(json.dumps([d for d in yaml.safe_load_all(open(sys.argv[1])) if d]))", "\(copy)/\(overlay).yaml"])
            #expect(json.status == 0, "\(json.error)")
            overlays[overlay] = try JSONSerialization.jsonObject(with: Data(json.output.utf8)) as? [[String: Any]] ?? []
        }
        return overlays
    }

    @Test("kustomize builds every overlay: headless Services, /readyz probes, keys from Secrets, documented settings, upstreams that exist")
    func kubernetesManifests() async throws {
        let overlays = try await Self.rendered()
        let all = overlays.values.flatMap { $0 }
        func named(_ kind: String, in objects: [[String: Any]]) -> [String: [String: Any]] {
            Dictionary(objects.filter { $0["kind"] as? String == kind }.compactMap { object in
                ((object["metadata"] as? [String: Any])?["name"] as? String).map { ($0, object) }
            }, uniquingKeysWith: { first, _ in first })
        }
        let services = named("Service", in: all), statefulSets = named("StatefulSet", in: all)
        let certs = (named("ConfigMap", in: all)["iblagh-certs"]?["data"] as? [String: String]) ?? [:]
        let documented = Set(try ConfigurationReferenceTests.keysInDoc().keys.map(Settings.environmentName))
        #expect(Set(statefulSets.keys) == ["intake", "router", "tracker", "statistics", "notifier-national", "notifier-04", "notifier-06"])

        for (name, service) in services {
            let spec = service["spec"] as? [String: Any] ?? [:]
            if name == "intake-http" { continue }  // HTTP only: short requests, which a ClusterIP spreads well
            #expect(spec["clusterIP"] as? String == "None", "Service \(name) is not headless")
        }
        for (overlay, objects) in overlays {
            let present = Set(objects.compactMap { ($0["metadata"] as? [String: Any])?["name"] as? String })
            for (name, set) in named("StatefulSet", in: objects) {
                let spec = ((set["spec"] as? [String: Any])?["template"] as? [String: Any])?["spec"] as? [String: Any] ?? [:]
                let container = (spec["containers"] as? [[String: Any]])?.first ?? [:]
                let readiness = ((container["readinessProbe"] as? [String: Any])?["httpGet"] as? [String: Any])?["path"] as? String
                #expect(readiness == "/readyz", "\(overlay)/\(name): readiness probe \(readiness ?? "missing")")
                // Prometheus finds the pod by its annotations, at the container's HTTP port.
                let annotations = (((set["spec"] as? [String: Any])?["template"] as? [String: Any])?["metadata"] as? [String: Any])?["annotations"] as? [String: String] ?? [:]
                let http = (container["ports"] as? [[String: Any]] ?? []).first { $0["name"] as? String == "http" }?["containerPort"] as? Int
                #expect(annotations["prometheus.io/scrape"] == "true" && annotations["prometheus.io/path"] == "/metrics", "\(overlay)/\(name): \(annotations)")
                #expect(annotations["prometheus.io/port"] == http.map(String.init), "\(overlay)/\(name): scraped at \(annotations["prometheus.io/port"] ?? "no port"), serves HTTP on \(http ?? 0)")
                #expect(services[(set["spec"] as? [String: Any])?["serviceName"] as? String ?? ""] != nil, "\(name): its serviceName is no Service")
                for volume in spec["volumes"] as? [[String: Any]] ?? [] {
                    let reference = (volume["secret"] as? [String: Any])?["secretName"] as? String
                        ?? (volume["configMap"] as? [String: Any])?["name"] as? String ?? ""
                    #expect(present.contains(reference), "\(overlay)/\(name) mounts \(reference), which this overlay does not create")
                }
                var environment: [String: String] = [:]
                for variable in container["env"] as? [[String: Any]] ?? [] {
                    let key = variable["name"] as? String ?? ""
                    #expect(documented.contains(key), "\(overlay)/\(name): \(key) is not a documented setting")
                    environment[key] = variable["value"] as? String
                }
                // Every upstream is POD.SERVICE:PORT@CERT: a pod the StatefulSet has, a port its Service has, a certificate in iblagh-certs.
                for (key, value) in environment where ["UPSTREAMS", "INTAKES", "ROUTERS", "NOTIFIERS", "TRACKERS"].contains(where: key.hasSuffix) {
                    for entry in value.split(separator: ",") {
                        let parts = entry.dropFirst("tcp://".count).split(separator: "@")
                        let host = parts.first?.split(separator: ":").first ?? "", port = parts.first?.split(separator: ":").last.flatMap { Int($0) }
                        let pod = host.split(separator: ".").first.map(String.init) ?? "", service = host.split(separator: ".").dropFirst().first.map(String.init) ?? ""
                        let replicas = (statefulSets[service]?["spec"] as? [String: Any])?["replicas"] as? Int ?? 0
                        let ordinal = pod.split(separator: "-").last.flatMap { Int($0) } ?? -1
                        #expect(pod.hasPrefix(service + "-") && (0..<replicas).contains(ordinal), "\(name) \(key): no pod \(pod)")
                        let ports = ((services[service]?["spec"] as? [String: Any])?["ports"] as? [[String: Any]] ?? []).compactMap { $0["port"] as? Int }
                        #expect(port.map(ports.contains) == true, "\(name) \(key): \(service) has no port \(port ?? -1)")
                        let cert = parts.last.map { String($0.split(separator: "/").last ?? "") } ?? ""
                        #expect(certs[cert] != nil, "\(name) \(key): \(cert) is not in iblagh-certs")
                    }
                }
                if name.hasPrefix("notifier-") {
                    let region = String(name.dropFirst("notifier-".count))
                    #expect(environment["NOTIFIER_REGIONS"] == region, "\(name) serves \(environment["NOTIFIER_REGIONS"] ?? "nothing")")
                    let secret = (spec["volumes"] as? [[String: Any]] ?? []).compactMap { ($0["secret"] as? [String: Any])?["secretName"] as? String }
                    #expect(secret == ["iblagh-notifier-\(region)-key"])
                }
            }
        }
        // The routers enrol each regional notifier's certificate with the role naming its region.
        let routerConsumers = (named("ConfigMap", in: all)["iblagh-allow-router-consumers"]?["data"] as? [String: String]) ?? [:]
        #expect(routerConsumers["notifier-04.key"]?.contains("role = \"notifier:04\"") == true)
        #expect(routerConsumers["notifier-national.key"]?.contains("role = \"notifier:national\"") == true)
        // Secrets carry key material; the ConfigMaps never a secret key.
        for (name, map) in named("ConfigMap", in: all) {
            let values = (map["data"] as? [String: String] ?? [:]).values
            #expect(!values.contains { $0.contains("secret-key") }, "ConfigMap \(name) holds a secret key")
        }
    }
}
