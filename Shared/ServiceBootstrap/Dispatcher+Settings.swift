import IblaghStore
import Logging
import ReliableHop
import ZeroMQ

extension Dispatcher {
    /// A service's dispatcher, bound to the endpoint of setting `key` (`intake.dispatch.endpoint`): a bind that fails
    /// (the port another process holds, an address not on this machine) stops the service naming that setting.
    public static func serving(
        _ key: String, endpoint: String, keyPair: CurveKeyPair, consumers: AllowList, context: ZMQContext, store: any Store, logger: Logger
    ) async throws -> Dispatcher {
        try await ConfigurationError.naming(key) {
            try await Dispatcher(
                configuration: DispatcherConfiguration(endpoint: endpoint, keyPair: keyPair, consumers: consumers),
                context: context, store: store, logger: logger)
        }
    }
}
