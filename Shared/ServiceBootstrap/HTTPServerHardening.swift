import Hummingbird
import HummingbirdCore
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 for a service's API, pages, probes and metrics, hardened against clients that hold resources without
    /// sending: a connection idle for `idleTimeout` is closed (a half-open or stalled client cannot pin sockets), and
    /// headers are capped at 16 KiB per field, 32 KiB and 100 fields in all.
    public static func iblagh(idleTimeout: Duration = .seconds(30)) -> HTTPServerBuilder {
        let milliseconds = idleTimeout.components.seconds * 1000 + idleTimeout.components.attoseconds / 1_000_000_000_000_000
        return .http1(configuration: .init(
            idleTimeout: .milliseconds(max(1, milliseconds)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 * 1024, maxHeaderListSize: 32 * 1024, maxHeaderFieldCount: 100)))
    }
}
