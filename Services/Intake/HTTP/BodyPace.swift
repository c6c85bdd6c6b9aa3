import Hummingbird

/// How long a client may take to send a request body: a grace period plus the time its bytes take at a minimum rate.
/// A phone on a poor line still sends a 20 MiB video in a few minutes; a slow-body attack that trickles a byte now and
/// then to hold a connection is cut off soon after the grace period. A body that stops altogether is ended by the
/// server's idle timeout.
struct BodyPace: Sendable {
    var grace: Duration = .seconds(10)
    var minimumBytesPerSecond = 1_024

    enum Failure: Error {
        case tooLarge
        case tooSlow
    }

    /// Hands each part of `body` to `each` as it arrives; stops with `.tooLarge` past `limit` bytes and with `.tooSlow`
    /// when the client falls behind the pace.
    func read(_ body: RequestBody, limit: Int, _ each: (ByteBuffer) throws -> Void) async throws {
        let start = ContinuousClock.now
        var received = 0
        for try await part in body {
            received += part.readableBytes
            guard received <= limit else { throw Failure.tooLarge }
            let allowed = grace + .seconds(Double(received) / Double(minimumBytesPerSecond))
            guard ContinuousClock.now - start <= allowed else { throw Failure.tooSlow }
            try each(part)
        }
    }

    /// The whole body, at most `limit` bytes, sent at the pace. A declared length past the limit is refused before
    /// a byte is read.
    func collect(_ request: Request, upTo limit: Int) async throws -> ByteBuffer {
        if let declared = request.headers[.contentLength].flatMap(Int.init), declared > limit { throw Failure.tooLarge }
        var collected = ByteBuffer()
        try await read(request.body, limit: limit) { part in
            var part = part
            collected.writeBuffer(&part)
        }
        return collected
    }
}
