import Foundation
import IblaghSchemas
import SwiftProtobuf

/// The first inputs of each target, written to `Tests/Fuzz/Corpus/TARGET/` by `iblagh-fuzz seed`: valid examples the
/// fuzzer mutates from, so it starts inside the formats rather than at random bytes.
public enum FuzzSeeds {
    public static func inputs(for target: FuzzTarget) throws -> [[UInt8]] {
        switch target {
        case .envelope:
            return try samples.map { type, payload in
                try Iblagh_V1_Envelope(
                    wrapping: payload, messageID: "seed-\(type.rawValue)", producer: "fuzz-seed",
                    traceparent: TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")!,
                    correlationID: "c-\(type.rawValue)", createdAt: Date(timeIntervalSince1970: 1_785_000_000)
                ).frame
            }
        case .messages:
            return try samples.map { type, payload in
                let index = try require(FuzzTarget.messageTypeIndex(type), "the index of \(type)")
                return [UInt8(index)] + (try payload.serializedBytes() as [UInt8])
            }
        case .report:
            let full = Iblagh_V1_SubmitReport.with { $0.integratorReportKey = "acme-000042"; $0.report = SampleMessages.report }
            let anonymous = Iblagh_V1_SubmitReport.with {
                $0.integratorReportKey = "acme-000043"
                $0.report = .with {
                    $0.category = .fraud; $0.description_p = "Faux vendeur"; $0.residence = "Casablanca"; $0.preferredLanguage = .french
                }
            }
            return [try full.serializedBytes(), try anonymous.serializedBytes(), []]
        case .reportJSON:
            return [
                #"{"category": "sextortion", "description": "Un faux profil menace de publier des photos", "occurred_at": "2026-11-02T21:00:00Z", "residence": "Kénitra", "residence_country": "MA", "victim_is_minor": false, "reported_accounts": [{"kind": "social_media_account", "value": "@x", "platform": "instagram"}], "reporter": {"full_name": "Amina", "email": "a@example.org", "phone": "+212600000000"}, "preferred_language": "fr"}"#,
                #"{"category": "fraud", "description": "نصب", "residence": "الدار البيضاء", "reporter": null, "preferred_language": "ar"}"#,
                #"{"category": 3, "description": true, "reported_accounts": {}, "extra": 1}"#,
                #"[1, 2, 3]"#,
            ].map { Array($0.utf8) }
        case .place:
            return ["Kénitra", "القنيطرة", "Hay Riad, Rabat", "Fquih", "casablanca", "Tanger-Assilah", "أگادير", "Paris", ""]
                .map { Array($0.utf8) }
        case .form:
            let boundary = FuzzTarget.formBoundary
            let multipart = [
                ("form_token", "0123456789abcdef"), ("category", "sextortion"), ("description", "يهددني شخص بنشر صوري\r\nمنذ أمس"),
                ("residence", "Kénitra"), ("account_kind", "url"), ("account_value", ""),
            ].map { "--\(boundary)\r\nContent-Disposition: form-data; name=\"\($0)\"\r\n\r\n\($1)\r\n" }.joined()
                + "--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"capture.png\"\r\nContent-Type: image/png\r\n\r\n"
            return [
                [0] + Array("form_token=0123456789abcdef&category=fraud&description=Un+faux+vendeur+%C3%A0+Rabat&residence=Rabat&account_kind=url&account_value=".utf8),
                [1] + Array(multipart.utf8) + [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13] + Array("\r\n--\(boundary)--\r\n".utf8),
                [1] + Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"evidence\"; filename=\"\"\r\nContent-Type: application/octet-stream\r\n\r\n\r\n--\(boundary)--\r\n".utf8),
                [0],
            ]
        }
    }

    private static var samples: [(Iblagh_V1_MessageType, any BusPayload)] {
        SampleMessages.all.sorted { $0.key.rawValue < $1.key.rawValue }.map { ($0.key, $0.value) }
    }
}

private func require<T>(_ value: T?, _ what: String = "a value") throws -> T {
    guard let value else { throw FuzzSeedError("missing \(what)") }
    return value
}

struct FuzzSeedError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
