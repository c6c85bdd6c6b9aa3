import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-statistics`: reads its settings (see ``StatisticsConfiguration``), prints `ready http=PORT` and serves
/// until SIGTERM.
@main
enum StatisticsMain {
    static func main() async {
        await ServiceMain.run("iblagh-statistics", configure: StatisticsConfiguration.init(settings:)) { configuration in
            let service = try await StatisticsService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.statistics"))
            try await service.run { port in ServiceMain.ready("http=\(port)") }
        }
    }
}
