import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-router`: reads its settings (see ``RouterConfiguration``), connects to intake, prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT data=VERSION`) and routes until SIGTERM.
@main
enum RouterMain {
    static func main() async {
        await ServiceMain.run("iblagh-router", configure: RouterConfiguration.init(settings:)) { configuration in
            let service = try await RouterService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.router"))
            let dispatch = service.dispatcher.boundEndpoint, version = service.reference.rules.table.version
            try await service.run { port in ServiceMain.ready("http=\(port) dispatch=\(dispatch) data=\(version)") }
        }
    }
}
