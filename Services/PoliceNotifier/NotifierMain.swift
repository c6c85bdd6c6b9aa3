import Foundation
import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-notifier`: reads its settings (see ``NotifierConfiguration``), prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT console=ENDPOINT regions=LIST`) and serves until SIGTERM.
@main
enum NotifierMain {
    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            let settings = try await Settings.load()
            try Observability.bootstrap(level: settings.string("log.level", default: "info"))
            ParentWatch.startIfRequested()
            let configuration = try NotifierConfiguration(settings: settings)
            try settings.refuseUnknownKeys()
            let service = try await NotifierService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.notifier"))
            let line = "dispatch=\(service.dispatcher.boundEndpoint) console=\(service.consoles.boundEndpoint) regions=\(configuration.regions.joined(separator: ","))"
            try await service.run { port in
                FileHandle.standardOutput.write(Data("ready http=\(port) \(line)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("iblagh-notifier: \(error)\n".utf8))
            exit(1)
        }
    }
}
