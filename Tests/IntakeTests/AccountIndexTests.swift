import IblaghCrypto
import IblaghSchemas
@testable import Intake
import Testing

@Suite("Reported accounts: the forms of one account, phone number or URL normalise to one key")
struct AccountIndexTests {
    private func account(_ kind: Iblagh_V1_ReportedAccount.Kind, _ value: String, platform: String = "") -> Iblagh_V1_ReportedAccount {
        .with {
            $0.kind = kind
            $0.value = value
            $0.platform = platform
        }
    }

    @Test("white space of any kind around a value is trimmed; inside it, kept")
    func trimming() {
        // Space, tab, line feed, no-break space, ideographic space, line separator.
        for padded in ["  0612345678\t", "\n0612345678\u{00A0}", "\u{3000}0612345678\u{2028}"] {
            #expect(AccountIndex.normalise(account(.phoneNumber, padded)) == "phone:0612345678", "\(padded.unicodeScalars.map(\.value))")
        }
        #expect(AccountIndex.normalise(account(.url, " \u{00A0}https://www.Example.com/a b/ \n")) == "url:example.com/a b")
        #expect(AccountIndex.normalise(account(.phoneNumber, " \t\n ")) == "phone:")
    }

    @Test("the forms of a Moroccan number, a URL and a social account each give one value")
    func forms() {
        for number in ["+212 6 12 34 56 78", "00212612345678", "06-12-34-56-78", "0612345678"] {
            #expect(AccountIndex.normalise(account(.phoneNumber, number)) == "phone:0612345678", "\(number)")
        }
        for url in ["https://www.example.com/x/", "http://example.com/x", "EXAMPLE.com/x//"] {
            #expect(AccountIndex.normalise(account(.url, url)) == "url:example.com/x", "\(url)")
        }
        #expect(AccountIndex.normalise(account(.socialMediaAccount, "@Name", platform: "Instagram")) == "account:instagram:name")
        #expect(AccountIndex.normalise(account(.socialMediaAccount, " name ", platform: "instagram")) == "account:instagram:name")
    }

    @Test("hashes: one per distinct account, keyed by the data key")
    func hashes() throws {
        let index = AccountIndex(dataKey: try SymmetricKey.generate(id: "k1"))
        let other = AccountIndex(dataKey: try SymmetricKey.generate(id: "k2"))
        let same = [account(.phoneNumber, "+212 6 12 34 56 78"), account(.phoneNumber, " 0612345678 ")]
        #expect(index.hashes(of: same).count == 1)
        #expect(index.hashes(of: same + [account(.url, "example.com")]).count == 2)
        #expect(index.hashes(of: same) != other.hashes(of: same))
    }
}
