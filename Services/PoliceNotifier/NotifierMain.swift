import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-notifier`: reads its settings (see ``NotifierConfiguration``), prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT console=ENDPOINT regions=LIST`) and serves until SIGTERM.
@main
enum NotifierMain {
    static func main() async {
        await ServiceMain.run("iblagh-notifier", configure: NotifierConfiguration.init(settings:)) { configuration in
            let service = try await NotifierService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.notifier"))
            let line = "dispatch=\(service.dispatcher.boundEndpoint) console=\(service.consoles.boundEndpoint) regions=\(configuration.regions.joined(separator: ","))"
            try await service.run { port in ServiceMain.ready("http=\(port) \(line)") }
        }
    }
}
