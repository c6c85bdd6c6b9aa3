import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// A service's parts run as one lifecycle group until SIGTERM or SIGINT: its HTTP server (its API or pages beside
/// the probes and metrics) and what runs beside it (bus endpoints, watchers). On the signal each stops gracefully;
/// the caller then stops its hop consumers and dispatcher, which the group does not hold.
public enum ServiceRun {
    /// Serves `router` (made by ``Probes/router(context:problems:)``, answered through ``AllowedMethods``) as `name` on
    /// `host`:`port` (0: any free port) beside `services`; `onRunning` gets the port bound.
    /// `settings` is the prefix of the host's and port's keys (`intake.http`): a server that cannot listen (a port
    /// another process holds, an address not on this machine) stops the service naming the key to change.
    public static func serve<Context: RequestContext>(
        _ router: Router<Context>, name: String, settings: String, host: String, port: Int, idleTimeout: Duration = .seconds(30),
        beside services: [any Service] = [], onRunning: @escaping @Sendable (Int) async -> Void, logger: Logger
    ) async throws where Context: InitializableFromSource<ApplicationRequestContextSource> {
        let listening = Mutex(false)
        let http = Application(
            router: AllowedMethods(router), server: .iblagh(idleTimeout: idleTimeout),
            configuration: .init(address: .hostname(host, port: port), serverName: name),
            onServerRunning: { channel in
                listening.withLock { $0 = true }
                await onRunning(channel.localAddress?.port ?? 0)
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(
            services: (services + [http]).map { .init(service: $0) }, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch where !listening.withLock({ $0 }) {
            throw listenFailure(error, host: host, port: port, settings: settings) ?? error
        }
    }

    /// What a server that did not start listening failed of, naming the setting; nil for any other error.
    static func listenFailure(_ error: any Error, host: String, port: Int, settings: String) -> ConfigurationError? {
        switch error {
        case let error as IOError:
            let key = error.errnoCode == EADDRNOTAVAIL ? "\(settings).host" : "\(settings).port"
            return ConfigurationError(key: key, "cannot listen on \(host):\(port): \(String(cString: strerror(error.errnoCode)))")
        case is SocketAddressError:
            return ConfigurationError(key: "\(settings).host", "cannot listen on \(host):\(port): no such address")
        default:
            return nil
        }
    }
}
