import Hummingbird
import NIOCore

/// Hummingbird's request context plus the peer's address, which the rate limiter keys on.
struct IntakeRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's address without its port (a client opens many connections).
    var client: String { remoteAddress?.ipAddress ?? "unknown" }
}
