import HTTPTypes
import Hummingbird
import IblaghStore

/// The endpoints every service answers: `/healthz` (the process runs), `/readyz` (it can do its work: `ready`
/// says whether its store and bus are up) and `/metrics` (Prometheus text).
public enum Probes {
    public static func add<Context: RequestContext>(to router: Router<Context>, ready: @escaping @Sendable () async -> Bool) {
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            await ready()
                ? Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
                : Response(status: .serviceUnavailable, body: .init(byteBuffer: ByteBuffer(string: "not ready\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Observability.exposition())))
        }
    }
}

extension Probes {
    /// A store is ready when it answers a query.
    public static func answers(_ store: any Store) async -> Bool {
        (try? await store.read { try $0.rows("SELECT 1 AS one", []) }) != nil
    }
}
