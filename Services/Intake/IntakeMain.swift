import Foundation
import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-intake`: reads its settings (see ``IntakeConfiguration``), starts, prints one `ready` line with what it
/// bound, and serves until SIGTERM. A bad setting stops it at once with a message naming the key.
@main
enum IntakeMain {
    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            let settings = try await Settings.load()
            try Observability.bootstrap(level: settings.string("log.level", default: "info"))
            ParentWatch.startIfRequested()
            let configuration = try IntakeConfiguration(settings: settings)
            try settings.refuseUnknownKeys()
            let logger = Logger(label: "iblagh.intake")
            let context = try ZMQContext()
            let service = try await IntakeService(configuration: configuration, context: context, logger: logger)
            let busEndpoint = service.submissions.boundEndpoint, dispatchEndpoint = service.dispatcher.boundEndpoint
            try await service.run { port in
                FileHandle.standardOutput.write(Data("ready http=\(port) bus=\(busEndpoint) dispatch=\(dispatchEndpoint)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("iblagh-intake: \(error)\n".utf8))
            exit(1)
        }
    }
}
