import Foundation
import Logging
import ServiceBootstrap
import ZeroMQ

/// `iblagh-router`: reads its settings (see ``RouterConfiguration``), connects to intake, prints one `ready` line
/// (`ready http=PORT dispatch=ENDPOINT data=VERSION`) and routes until SIGTERM.
@main
enum RouterMain {
    static func main() async {
        MallocArenas.limit(environment: ProcessInfo.processInfo.environment)
        do {
            let settings = try await Settings.load()
            try Observability.bootstrap(level: settings.string("log.level", default: "info"))
            ParentWatch.startIfRequested()
            let configuration = try RouterConfiguration(settings: settings)
            try settings.refuseUnknownKeys()
            let service = try await RouterService(configuration: configuration, context: try ZMQContext(), logger: Logger(label: "iblagh.router"))
            let dispatch = service.dispatcher.boundEndpoint, version = service.reference.rules.table.version
            try await service.run { port in
                FileHandle.standardOutput.write(Data("ready http=\(port) dispatch=\(dispatch) data=\(version)\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("iblagh-router: \(error)\n".utf8))
            exit(1)
        }
    }
}
