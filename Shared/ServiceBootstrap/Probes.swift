import HTTPTypes
import Hummingbird
import IblaghStore
import ReliableHop

/// The endpoints every service answers: `/healthz` (the process runs), `/readyz` (it can do its work) and
/// `/metrics` (Prometheus text).
///
/// `/readyz` answers `200 ready`, or `503 not ready` with one line per problem that `problems` finds: a store that
/// does not answer, an upstream that refuses the service's key (``readiness(store:consumers:)``).
public enum Probes {
    /// A service's router, with the probes: the service adds its own routes. It answers `HEAD` wherever it answers
    /// `GET` (RFC 9110 §9.1), and ``ServiceRun`` serves it through ``AllowedMethods``.
    public static func router<Context: RequestContext>(
        context: Context.Type = BasicRequestContext.self, problems: @escaping @Sendable () async -> [String]
    ) -> Router<Context> {
        let router = Router(context: context, options: .autoGenerateHeadEndpoints)
        router.get("/healthz") { _, _ in "ok\n" }
        router.get("/readyz") { _, _ -> Response in
            let found = await problems()
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(
                status: found.isEmpty ? .ok : .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: (found.isEmpty ? ["ready"] : ["not ready"] + found).joined(separator: "\n") + "\n")))
        }
        router.get("/metrics") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: Observability.exposition())))
        }
        return router
    }

    /// What keeps a service from its work: its store not answering a query, and each upstream of its hop consumers
    /// that refuses its key. An upstream merely out of reach is not one: a producer's restart must not take its
    /// consumers out of service (its metric and its warning say it).
    public static func readiness(store: any Store, consumers: [HopConsumer] = []) -> @Sendable () async -> [String] {
        {
            var problems: [String] = []
            if (try? await store.read { try $0.rows("SELECT 1 AS one", []) }) == nil { problems.append("store does not answer") }
            for consumer in consumers { problems += await consumer.refusals() }
            return problems
        }
    }
}
