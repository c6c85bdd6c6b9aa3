import HTTPTypes
import Hummingbird

extension APIDescriptions {
    /// `description` (one of the generated constants) as the answer to `GET /v1/openapi.json`: the file in
    /// docs/openapi/, byte for byte.
    public static func response(_ description: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-cache"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: description + "\n")))
    }
}
