/// The history's body text: JSON with names sorted at every level and no spaces — the same text for the same body on
/// every run, which the hash chain needs. What a body may hold is typed (``HistoryValue``), so writing one cannot fail.
/// (JSONSerialization did this through Foundation's dynamic casts and ICU's collation for the name order, and a body
/// of `[String: Any]` through casts of its own: a visible share of the tracker's time per report.)
public enum CanonicalJSON {
    public static func encode(_ body: HistoryBody) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(256)
        body.writeJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
