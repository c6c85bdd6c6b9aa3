import Foundation
import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-statistics`: reads its settings (see ``StatisticsConfiguration``), prints `ready http=PORT` and serves
/// until SIGTERM.
@main
enum StatisticsMain {
    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            let settings = try await Settings.load()
            try Observability.bootstrap(level: settings.string("log.level", default: "info"))
            ParentWatch.startIfRequested()
            let configuration = try StatisticsConfiguration(settings: settings)
            try settings.refuseUnknownKeys()
            let service = try await StatisticsService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.statistics"))
            try await service.run { port in FileHandle.standardOutput.write(Data("ready http=\(port)\n".utf8)) }
        } catch {
            FileHandle.standardError.write(Data("iblagh-statistics: \(error)\n".utf8))
            exit(1)
        }
    }
}
