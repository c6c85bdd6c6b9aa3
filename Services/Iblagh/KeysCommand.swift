import ArgumentParser
import Foundation
import IblaghCrypto
import ZeroMQ

/// `iblagh keys generate|show`: CURVE certificates in the CZMQ/pyzmq format.
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Create and inspect CURVE key pairs (NAME.key public, NAME.key_secret secret, mode 0600).",
        subcommands: [Generate.self, Show.self, DataKey.self])

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a key pair and write NAME.key and NAME.key_secret.")

        @Argument(help: "Name of the key pair, e.g. intake-1 or integrator-acme.")
        var name: String

        @Option(name: .long, help: "Directory to write into (created if missing).")
        var dir: String = "."

        @Option(name: .long, help: "Role recorded in the certificate's metadata, read by allow-list directories.")
        var role: String?

        func run() throws {
            try ZMQLibrary.requireSupported()
            let keyPair = try CurveKeyPair.generate()
            let files = try CurveCertificate.write(
                keyPair, name: name, directory: dir, metadata: role.map { ["role": $0] } ?? [:])
            print("public key  \(keyPair.publicKey.z85)")
            print("public      \(files.publicFile)")
            print("secret      \(files.secretFile) (mode 0600: keep it on this machine)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the public key (and role) of a certificate; never prints a secret key.")

        @Argument(help: "A NAME.key or NAME.key_secret file.")
        var file: String

        func run() throws {
            if file.hasSuffix(".key_secret") {
                let keyPair = try CurveCertificate.loadKeyPair(secretFile: file)
                print("public key  \(keyPair.publicKey.z85)")
                print("secret key  present, matches the public key, file mode 0600")
            } else {
                print("public key  \(try CurveCertificate.loadPublicKey(file: file, allowingSecret: true).z85)")
            }
            if let role = try CurveCertificate.loadMetadata(file: file)["role"] {
                print("role        \(role)")
            }
        }
    }

    struct DataKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "data-key",
            abstract: "Write a new data key file (AES-256, mode 0600) that seals a service's personal data at rest.")

        @Argument(help: "The file to create; an existing file is never overwritten.")
        var file: String

        @Option(help: "The key's id, recorded in everything it seals (rotate by putting a new key first).")
        var id = "key-\(ISO8601DateFormatter().string(from: Date()).prefix(10))"

        func run() throws {
            try DataKeyFile.generate(file, id: id)
            print("data key \(id) written to \(file) (mode 0600: keep it on this machine, and back it up — what it seals cannot be read without it)")
        }
    }
}
