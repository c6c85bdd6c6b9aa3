import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-tracker`: reads its settings (see ``TrackerConfiguration``), prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT commands=ENDPOINT`) and serves until SIGTERM.
@main
enum TrackerMain {
    static func main() async {
        await ServiceMain.run("iblagh-tracker", configure: TrackerConfiguration.init(settings:)) { configuration in
            let service = try await TrackerService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.tracker"))
            let line = "dispatch=\(service.dispatcher.boundEndpoint) commands=\(service.commands.boundEndpoint)"
            try await service.run { port in ServiceMain.ready("http=\(port) \(line)") }
        }
    }
}
