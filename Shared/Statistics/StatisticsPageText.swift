/// The words of the public statistics page in Arabic, French, English and Spanish (a test fails on a missing one).
public struct StatisticsPageText: Sendable {
    public let code: String
    public let languageName: String
    public let rightToLeft: Bool
    let title: String  // %@: the year
    let totals: String  // %1: cases, %2: persons prosecuted
    let suppression: String  // %@: the threshold
    let internalReport: String
    let rounding: String
    let byCategory: String
    let byRegion: String
    let byOffice: String
    let funnel: String
    let columns: [String]  // name, cases, persons prosecuted, share, change
    let suppressed: String
    let unknownRegion: String
    let stages: [String: String]
    let categories: [String: String]

    public static let all: [StatisticsPageText] = [arabic, french, english, spanish]

    /// The page's words in the language `code` names, if it is one of the four.
    public static func language(_ code: String?) -> StatisticsPageText? {
        all.first { $0.code == code }
    }

    /// A region's name: the official French name (Arabic on the Arabic page), from the 2015 regional division.
    func region(_ code: String) -> String {
        guard let names = Self.regions[code] else { return unknownRegion }
        return rightToLeft ? names.1 : names.0
    }

    static let regions: [String: (String, String)] = [
        "01": ("Tanger-Tétouan-Al Hoceïma", "طنجة تطوان الحسيمة"), "02": ("L'Oriental", "الشرق"), "03": ("Fès-Meknès", "فاس مكناس"),
        "04": ("Rabat-Salé-Kénitra", "الرباط سلا القنيطرة"), "05": ("Béni Mellal-Khénifra", "بني ملال خنيفرة"),
        "06": ("Casablanca-Settat", "الدار البيضاء سطات"), "07": ("Marrakech-Safi", "مراكش آسفي"), "08": ("Drâa-Tafilalet", "درعة تافيلالت"),
        "09": ("Souss-Massa", "سوس ماسة"), "10": ("Guelmim-Oued Noun", "كلميم واد نون"),
        "11": ("Laâyoune-Sakia El Hamra", "العيون الساقية الحمراء"), "12": ("Dakhla-Oued Ed-Dahab", "الداخلة وادي الذهب"),
    ]

    static let stageKeys = ["reports", "routed", "acknowledged", "complainant_contacted", "under_investigation", "referred", "prosecuted", "convicted"]
    static let categoryKeys = ["sextortion", "child_sexual_exploitation_material", "incitement_to_violence", "terrorism_praise_or_incitement",
                               "minors_rights_violation", "fraud", "other_cybercrime"]

    public static let english = StatisticsPageText(
        code: "en", languageName: "English", rightToLeft: false,
        title: "Online crime reports, %@", totals: "%1 cases registered; %2 persons prosecuted.",
        suppression: "Counts below %@ are not shown, nor any figure from which one could be worked out.",
        internalReport: "Internal report: no suppression.", rounding: "Shares and changes are percentages rounded to one decimal.",
        byCategory: "Cases by category", byRegion: "Cases by region", byOffice: "By prosecution office", funnel: "From report to conviction",
        columns: ["", "cases", "persons prosecuted", "share", "change"], suppressed: "not shown", unknownRegion: "Residence unknown or abroad",
        stages: ["reports": "reports", "routed": "sent to a unit", "acknowledged": "acknowledged", "complainant_contacted": "reporter contacted",
                 "under_investigation": "investigated", "referred": "referred to the prosecutor", "prosecuted": "prosecuted", "convicted": "convicted"],
        categories: ["sextortion": "sextortion", "child_sexual_exploitation_material": "child sexual abuse material",
                     "incitement_to_violence": "incitement to violence", "terrorism_praise_or_incitement": "praise of terrorism",
                     "minors_rights_violation": "harm to minors", "fraud": "fraud", "other_cybercrime": "other cybercrime"])

    public static let french = StatisticsPageText(
        code: "fr", languageName: "Français", rightToLeft: false,
        title: "Signalements de crimes en ligne, %@", totals: "%1 dossiers enregistrés ; %2 personnes poursuivies.",
        suppression: "Les effectifs inférieurs à %@ ne sont pas affichés, ni aucun chiffre qui permettrait de les retrouver.",
        internalReport: "Rapport interne : aucun masquage.", rounding: "Parts et évolutions en pourcentages arrondis à une décimale.",
        byCategory: "Dossiers par catégorie", byRegion: "Dossiers par région", byOffice: "Par parquet", funnel: "Du signalement à la condamnation",
        columns: ["", "dossiers", "personnes poursuivies", "part", "évolution"], suppressed: "non affiché", unknownRegion: "Résidence inconnue ou à l'étranger",
        stages: ["reports": "signalements", "routed": "transmis à une unité", "acknowledged": "pris en charge", "complainant_contacted": "plaignant contacté",
                 "under_investigation": "enquête", "referred": "transmis au parquet", "prosecuted": "poursuites", "convicted": "condamnation"],
        categories: ["sextortion": "sextorsion", "child_sexual_exploitation_material": "pédopornographie",
                     "incitement_to_violence": "incitation à la violence", "terrorism_praise_or_incitement": "apologie du terrorisme",
                     "minors_rights_violation": "atteintes aux mineurs", "fraud": "escroquerie", "other_cybercrime": "autre cybercriminalité"])

    public static let spanish = StatisticsPageText(
        code: "es", languageName: "Español", rightToLeft: false,
        title: "Denuncias de delitos en internet, %@", totals: "%1 casos registrados; %2 personas procesadas.",
        suppression: "No se muestran los recuentos inferiores a %@, ni ninguna cifra que permita deducirlos.",
        internalReport: "Informe interno: sin ocultación.", rounding: "Porcentajes de participación y de variación redondeados a un decimal.",
        byCategory: "Casos por categoría", byRegion: "Casos por región", byOffice: "Por fiscalía", funnel: "De la denuncia a la condena",
        columns: ["", "casos", "personas procesadas", "parte", "variación"], suppressed: "no mostrado", unknownRegion: "Residencia desconocida o en el extranjero",
        stages: ["reports": "denuncias", "routed": "enviadas a una unidad", "acknowledged": "atendidas", "complainant_contacted": "denunciante contactado",
                 "under_investigation": "investigación", "referred": "remitidas a la fiscalía", "prosecuted": "procesamiento", "convicted": "condena"],
        categories: ["sextortion": "sextorsión", "child_sexual_exploitation_material": "abuso sexual infantil",
                     "incitement_to_violence": "incitación a la violencia", "terrorism_praise_or_incitement": "apología del terrorismo",
                     "minors_rights_violation": "daños a menores", "fraud": "fraude", "other_cybercrime": "otros delitos informáticos"])

    public static let arabic = StatisticsPageText(
        code: "ar", languageName: "العربية", rightToLeft: true,
        title: "التبليغات عن الجرائم الإلكترونية، %@", totals: "%1 قضية مسجلة؛ %2 شخصاً متابعاً.",
        suppression: "لا تُعرض الأعداد التي تقل عن %@، ولا أي رقم يمكن استنتاجها منه.",
        internalReport: "تقرير داخلي: دون إخفاء.", rounding: "الحصص والتطورات نسب مئوية مقربة إلى رقم عشري واحد.",
        byCategory: "القضايا حسب الصنف", byRegion: "القضايا حسب الجهة", byOffice: "حسب النيابة العامة", funnel: "من التبليغ إلى الإدانة",
        columns: ["", "القضايا", "الأشخاص المتابعون", "الحصة", "التطور"], suppressed: "غير معروض", unknownRegion: "مكان الإقامة مجهول أو خارج المغرب",
        stages: ["reports": "التبليغات", "routed": "أحيلت على وحدة", "acknowledged": "تم التكفل بها", "complainant_contacted": "تم الاتصال بالمبلّغ",
                 "under_investigation": "البحث", "referred": "أحيلت على النيابة العامة", "prosecuted": "المتابعة", "convicted": "الإدانة"],
        categories: ["sextortion": "الابتزاز الجنسي", "child_sexual_exploitation_material": "استغلال الأطفال جنسياً",
                     "incitement_to_violence": "التحريض على العنف", "terrorism_praise_or_incitement": "الإشادة بالإرهاب",
                     "minors_rights_violation": "المساس بحقوق القاصرين", "fraud": "النصب والاحتيال", "other_cybercrime": "جرائم إلكترونية أخرى"])
}
