import CZeroMQ

/// Facts about the libzmq this process linked, and the check every process runs before it uses it.
public enum ZMQLibrary {
    /// The oldest libzmq we run on: 4.3.4 fixes the CVEs of earlier 4.3 releases and has stable handshake events.
    public static let minimumVersion = Version(major: 4, minor: 3, patch: 4)

    /// A libzmq version number.
    public struct Version: Comparable, Sendable, CustomStringConvertible {
        public let major: Int32, minor: Int32, patch: Int32
        public var description: String { "\(major).\(minor).\(patch)" }
        public static func < (a: Version, b: Version) -> Bool {
            (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
        }
    }

    /// The version of the libzmq this process runs with.
    public static var version: Version {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return Version(major: major, minor: minor, patch: patch)
    }

    /// Whether libzmq was built with the CURVE security mechanism (libsodium or tweetnacl).
    public static var hasCurve: Bool { zmq_has("curve") != 0 }

    /// Throws a clear error when libzmq is older than ``minimumVersion`` or built without CURVE.
    public static func requireSupported() throws {
        try requireSupported(version: version, hasCurve: hasCurve)
    }

    static func requireSupported(version: Version, hasCurve: Bool) throws {
        guard version >= minimumVersion else {
            throw ZMQError(
                .unsupportedLibrary,
                "libzmq \(version) is too old: Iblagh needs \(minimumVersion) or newer (Debian 12: apt install libzmq3-dev)")
        }
        guard hasCurve else {
            throw ZMQError(
                .unsupportedLibrary,
                "libzmq \(version) was built without CURVE: Iblagh encrypts every socket and cannot run without it")
        }
    }
}
