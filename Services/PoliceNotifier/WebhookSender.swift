import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Hexadecimal
import IblaghCrypto
import IblaghStore
import Logging
import ServiceLifecycle

/// Delivers the webhook rows: an HTTP POST of the JSON body with `Iblagh-Delivery` (the delivery id, for the
/// receiver to recognise a repeat) and `Iblagh-Signature: sha256=HEX` (HMAC-SHA-256 of the body under the unit's
/// secret). A 2xx marks it delivered; anything else is retried with exponential backoff (base, doubling, at most
/// 5 minutes) — the row stays until it is delivered, so a receiver that is down for a while loses nothing.
struct WebhookSender: Service {
    let store: any Store
    let directory: UnitDirectory
    let clock: any NotifierClock
    let tick: Duration
    let retryBase: Double
    let timeout: Double
    let logger: Logger

    func run() async throws {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await deliverDue(session)
                try? await Task.sleep(for: tick)
            }
        }
    }

    func deliverDue(_ session: URLSession) async {
        let now = clock.now().timeIntervalSince1970
        guard let due = try? await store.read({
            try $0.rows(
                "SELECT delivery_id, unit_id, body, attempts FROM notifier_webhook WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 100",
                [.real(now)])
        }) else { return }
        for row in due {
            guard let id = row.text("delivery_id"), let unit = row.text("unit_id"), let body = row.blob("body") else { continue }
            let attempts = Int(row.integer("attempts") ?? 0)
            let delivered = await post(id: id, unit: unit, body: body, session: session)
            let next = now + min(300, retryBase * pow(2, Double(attempts)))
            _ = try? await store.write { transaction in
                try transaction.execute(
                    "UPDATE notifier_webhook SET attempts = attempts + 1, delivered_at = ?, next_attempt_at = ? WHERE delivery_id = ?",
                    [delivered ? .real(clock.now().timeIntervalSince1970) : .null, .real(next), .text(id)])
            }
        }
    }

    private func post(id: String, unit: String, body: [UInt8], session: URLSession) async -> Bool {
        guard let (address, secret) = directory.webhook(of: unit), let url = URL(string: address) else { return false }
        var request = URLRequest(url: url)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(id, forHTTPHeaderField: "Iblagh-Delivery")
        request.setValue("sha256=" + Hex.string(HMACSHA256.authenticationCode(for: body, key: secret)), forHTTPHeaderField: "Iblagh-Signature")
        do {
            let (_, response) = try await session.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            if (200..<300).contains(status) { return true }
            logger.notice("webhook refused; will retry", metadata: ["unit": "\(unit)", "status": "\(status)"])
        } catch {
            logger.notice("webhook receiver unreachable; will retry", metadata: ["unit": "\(unit)"])
        }
        return false
    }
}
