import Hummingbird
import Logging
import ServiceLifecycle

/// A service's parts run as one lifecycle group until SIGTERM or SIGINT: its HTTP server (its API or pages beside
/// the probes and metrics) and what runs beside it (bus endpoints, watchers). On the signal each stops gracefully;
/// the caller then stops its hop consumers and dispatcher, which the group does not hold.
public enum ServiceRun {
    /// Serves `router` as `name` on `host`:`port` (0: any free port) beside `services`; `onRunning` gets the port bound.
    public static func serve<Builder: HTTPResponderBuilder>(
        _ router: Builder, name: String, host: String, port: Int, idleTimeout: Duration = .seconds(30),
        beside services: [any Service] = [], onRunning: @escaping @Sendable (Int) async -> Void, logger: Logger
    ) async throws where Builder.Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
        let http = Application(
            router: router, server: .iblagh(idleTimeout: idleTimeout),
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) }, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: (services + [http]).map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
