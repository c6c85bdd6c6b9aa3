import Foundation

/// The public keys a bound endpoint admits, each mapped to the role its peer acts in. The role reaches the
/// receiver as the message's `User-Id`; a key not listed is refused during the handshake (default deny).
public struct AllowList: Sendable, Equatable {
    public private(set) var roles: [CurvePublicKey: String]

    public init(_ roles: [CurvePublicKey: String] = [:]) {
        self.roles = roles
    }

    /// Admits `key` in `role`; a role is a short token such as `integrator` or `unit:KENITRA`.
    public mutating func allow(_ key: CurvePublicKey, as role: String) {
        roles[key] = role
    }

    public func role(of key: CurvePublicKey) -> String? { roles[key] }

    public var isEmpty: Bool { roles.isEmpty }

    /// Every public certificate (`*.key`) in `directory`, in `role`, or — when `role` is nil — in the `role` named
    /// by each certificate's metadata. A file that is not a valid certificate is an error naming the file.
    public static func load(directory: String, role: String? = nil) throws -> AllowList {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw ZMQError(.invalidCertificate, "cannot list allow-list directory \(directory)")
        }
        var list = AllowList()
        for name in names.sorted() where name.hasSuffix(".key") {
            let path = "\(directory)/\(name)"
            let key = try CurveCertificate.loadPublicKey(file: path)
            guard let peerRole = try role ?? CurveCertificate.loadMetadata(file: path)["role"], !peerRole.isEmpty else {
                throw ZMQError(.invalidCertificate, "\(path) names no role (add `role = \"...\"` under metadata)")
            }
            list.allow(key, as: peerRole)
        }
        return list
    }
}
