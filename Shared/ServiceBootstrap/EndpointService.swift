import ServiceLifecycle

/// A bus endpoint (intake's submissions, the notifier's consoles, the tracker's commands) as a lifecycle service:
/// serves until graceful shutdown, then closes its socket. What was committed stays committed; a request cut off
/// is retried by its sender.
public struct EndpointService: Service {
    private let serve: @Sendable () async throws -> Void
    private let close: @Sendable () async -> Void

    public init(serve: @escaping @Sendable () async throws -> Void, close: @escaping @Sendable () async -> Void) {
        self.serve = serve
        self.close = close
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await serve() }
        } catch is CancellationError {}
        await close()
    }
}
