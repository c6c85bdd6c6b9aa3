import Foundation
import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-tracker`: reads its settings (see ``TrackerConfiguration``), prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT commands=ENDPOINT`) and serves until SIGTERM.
@main
enum TrackerMain {
    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            let settings = try await Settings.load()
            try Observability.bootstrap(level: settings.string("log.level", default: "info"))
            ParentWatch.startIfRequested()
            let configuration = try TrackerConfiguration(settings: settings)
            try settings.refuseUnknownKeys()
            let service = try await TrackerService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.tracker"))
            let line = "dispatch=\(service.dispatcher.boundEndpoint) commands=\(service.commands.boundEndpoint)"
            try await service.run { port in
                FileHandle.standardOutput.write(Data("ready http=\(port) \(line)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("iblagh-tracker: \(error)\n".utf8))
            exit(1)
        }
    }
}
