import HTTPTypes
import Hummingbird
import NIOCore

/// A service's router, answering a method its path does not take with `405 Method Not Allowed` and an `Allow` header
/// naming the methods it does take (RFC 9110 §15.5.6), where Hummingbird's router answers 404 as if the path were not
/// there: `DELETE /v1/reports` or `TRACE /metrics`. A path no route matches is still 404. The routes are the router's
/// own, read once it is built, so they cannot drift from what it answers.
public struct AllowedMethods<Context: RequestContext>: HTTPResponderBuilder {
    let router: Router<Context>

    public init(_ router: Router<Context>) {
        self.router = router
    }

    public func buildResponder() -> Responder {
        let responder = router.buildResponder()   // first: it adds the HEAD routes it generates
        var methods: [(path: RouterPath, methods: Set<HTTPRequest.Method>)] = []
        for route in router.routes {
            if let index = methods.firstIndex(where: { $0.path == route.path }) {
                methods[index].methods.insert(route.method)
            } else {
                methods.append((route.path, [route.method]))
            }
        }
        return Responder(routes: responder, methods: methods)
    }

    public struct Responder: HTTPResponder {
        let routes: RouterResponder<Context>
        let methods: [(path: RouterPath, methods: Set<HTTPRequest.Method>)]

        public func respond(to request: Request, context: Context) async throws -> Response {
            let allowed = allowedMethods(for: request.uri.path)
            guard allowed.isEmpty || allowed.contains(request.method) else {
                var headers = HTTPFields()
                headers[.allow] = allowed.map(\.rawValue).sorted().joined(separator: ", ")
                headers[.contentType] = "text/plain; charset=utf-8"
                let text = "\(request.method.rawValue) is not allowed here; this path takes \(headers[.allow] ?? "")\n"
                return Response(status: .methodNotAllowed, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
            }
            return try await routes.respond(to: request, context: context)
        }

        /// The methods of every route whose pattern matches `path` (none: no route has this path).
        func allowedMethods(for path: String) -> Set<HTTPRequest.Method> {
            let segments = path.split(separator: "/", omittingEmptySubsequences: true)
            return methods.reduce(into: []) { allowed, route in
                if Self.matches(route.path, segments) { allowed.formUnion(route.methods) }
            }
        }

        static func matches(_ pattern: RouterPath, _ segments: [Substring]) -> Bool {
            var index = 0
            for element in pattern.components {
                if element == RouterPath.Element.recursiveWildcard { return true }
                guard index < segments.count, element ~= segments[index] else { return false }
                index += 1
            }
            return index == segments.count
        }
    }
}
