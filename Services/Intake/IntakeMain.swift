import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-intake`: reads its settings (see ``IntakeConfiguration``), starts, prints one `ready` line with what it
/// bound, and serves until SIGTERM. A bad setting stops it at once with a message naming the key.
@main
enum IntakeMain {
    static func main() async {
        await ServiceMain.run("iblagh-intake", configure: IntakeConfiguration.init(settings:)) { configuration in
            let service = try await IntakeService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.intake"))
            let bus = service.submissions.boundEndpoint, dispatch = service.dispatcher.boundEndpoint
            try await service.run { port in ServiceMain.ready("http=\(port) bus=\(bus) dispatch=\(dispatch)") }
        }
    }
}
