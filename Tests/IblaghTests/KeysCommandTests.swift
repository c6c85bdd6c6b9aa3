import Foundation
import Testing
import TestSupport
import ZeroMQ

@Suite("iblagh keys: certificates integrators can use with their own tools")
struct KeysCommandTests {
    @Test("keys generate writes a 0600 secret and a public file that pyzmq's load_certificate reads")
    func generatedKeysLoadInPyzmq() async throws {
        let dir = try temporaryDirectory()
        let result = try await run(iblaghPath, ["keys", "generate", "integrator-acme", "--dir", dir, "--role", "integrator"])
        #expect(result.status == 0, "\(result.error)")
        let secretFile = "\(dir)/integrator-acme.key_secret", publicFile = "\(dir)/integrator-acme.key"
        let mode = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        let ours = try CurveCertificate.loadKeyPair(secretFile: secretFile)
        #expect(try CurveCertificate.loadPublicKey(file: publicFile) == ours.publicKey)
        #expect(result.output.contains(ours.publicKey.z85))
        #expect(!result.output.contains(ours.secretKey.z85))

        let py = try await python("""
            import zmq.auth
            pub, sec = zmq.auth.load_certificate('\(secretFile)')
            pub2, none = zmq.auth.load_certificate('\(publicFile)')
            print(pub.decode(), sec.decode(), pub2.decode(), none)
            """)
        #expect(py.status == 0, "\(py.error)")
        #expect(py.output.trimmingCharacters(in: .whitespacesAndNewlines)
            == "\(ours.publicKey.z85) \(ours.secretKey.z85) \(ours.publicKey.z85) None")
    }

    @Test("certificates made by pyzmq's create_certificates load as our key pairs")
    func pyzmqCertificatesLoad() async throws {
        let dir = try temporaryDirectory()
        let py = try await python("""
            import os, zmq.auth
            pub, sec = zmq.auth.create_certificates('\(dir)', 'partner')
            os.chmod(sec, 0o600)
            print(zmq.auth.load_certificate(sec)[0].decode())
            """)
        #expect(py.status == 0, "\(py.error)")
        let keyPair = try CurveCertificate.loadKeyPair(secretFile: "\(dir)/partner.key_secret")
        #expect(keyPair.publicKey.z85 == py.output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test("keys show prints the public key and role and refuses a secret readable by others")
    func showAndPermissions() async throws {
        let dir = try temporaryDirectory()
        _ = try await run(iblaghPath, ["keys", "generate", "unit-kenitra", "--dir", dir, "--role", "unit:KENITRA"])
        let show = try await run(iblaghPath, ["keys", "show", "\(dir)/unit-kenitra.key"])
        #expect(show.status == 0)
        #expect(show.output.contains("role        unit:KENITRA"))

        chmod("\(dir)/unit-kenitra.key_secret", 0o644)
        let refused = try await run(iblaghPath, ["keys", "show", "\(dir)/unit-kenitra.key_secret"])
        #expect(refused.status != 0)
        #expect(refused.error.contains("readable by others"))
        #expect(refused.error.contains("chmod 600"))
    }

    @Test("a secret certificate where a peer's public one belongs is refused, naming the public file: by a service's settings and by a tool")
    func secretWherePublicBelongs() async throws {
        let dir = try temporaryDirectory()
        _ = try await run(iblaghPath, ["keys", "generate", "intake", "--dir", dir])
        _ = try await run(iblaghPath, ["keys", "generate", "router-1", "--dir", dir])
        #expect(throws: ZMQError.self) { try CurveCertificate.loadPublicKey(file: "\(dir)/intake.key_secret") }
        #expect(try CurveCertificate.loadPublicKey(file: "\(dir)/intake.key_secret", allowingSecret: true) == CurveCertificate.loadPublicKey(file: "\(dir)/intake.key"))
        let router = try await run(builtExecutable("iblagh-router"), [
            "--router-key", "\(dir)/router-1.key_secret", "--router-upstreams", "tcp://127.0.0.1:7102@\(dir)/intake.key_secret",
            "--router-consumers", dir, "--router-database", "\(dir)/router.db"], timeout: 60)
        #expect(router.status == 1 && router.error.contains("router.upstreams") && router.error.contains("secret certificate")
                && router.error.contains("\(dir)/intake.key)"), "\(router.error)")
        let submit = try await run(iblaghPath, [
            "submit", "--server-key", "\(dir)/intake.key_secret", "--certificate", "\(dir)/router-1.key_secret",
            "--category", "fraud", "--description", "x", "--residence", "Rabat", "--timeout", "1"])
        #expect(submit.status != 0 && submit.error.contains("secret certificate"), "\(submit.error)")
    }

    @Test("keys generate never overwrites an existing secret")
    func noOverwrite() async throws {
        let dir = try temporaryDirectory()
        #expect(try await run(iblaghPath, ["keys", "generate", "intake-1", "--dir", dir]).status == 0)
        let before = try String(contentsOfFile: "\(dir)/intake-1.key_secret", encoding: .utf8)
        let again = try await run(iblaghPath, ["keys", "generate", "intake-1", "--dir", dir])
        #expect(again.status != 0)
        #expect(again.error.contains("already exists"))
        #expect(try String(contentsOfFile: "\(dir)/intake-1.key_secret", encoding: .utf8) == before)
    }

    @Test("a damaged certificate is refused with an error naming the file and the problem")
    func damagedCertificate() async throws {
        let dir = try temporaryDirectory()
        let path = "\(dir)/broken.key"
        try "curve\n    public-key = \"too-short\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try await run(iblaghPath, ["keys", "show", path])
        #expect(result.status != 0)
        #expect(result.error.contains(path))
        #expect(result.error.contains("40 characters of Z85"))

        let mismatched = "\(dir)/mismatch.key_secret"
        let a = try CurveKeyPair.generate(), b = try CurveKeyPair.generate()
        try "curve\n    public-key = \"\(a.publicKey.z85)\"\n    secret-key = \"\(b.secretKey.z85)\"\n"
            .write(toFile: mismatched, atomically: true, encoding: .utf8)
        chmod(mismatched, 0o600)
        #expect(throws: ZMQError.self) { try CurveCertificate.loadKeyPair(secretFile: mismatched) }
    }
}

@Suite("iblagh demo")
struct DemoCommandTests {
    @Test("the demo shows the enrolled key delivering and the stranger refused")
    func demo() async throws {
        let dir = try temporaryDirectory()
        let result = try await run(iblaghPath, ["demo", "--dir", dir])
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("stranger     refused: handshake refused by ZAP (status 400)"))
        #expect(result.output.contains("delivered \"report from integrator-acme\" as User-Id integrator"))
    }
}
