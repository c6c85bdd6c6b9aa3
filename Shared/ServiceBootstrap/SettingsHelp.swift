/// What a service executable prints for `--help` (or `-h`): what it is, how settings reach it, and each of its settings
/// with its command-line and environment names, type, default and meaning — docs/configuration.md's tables, which
/// `generate.py` copies into ``SettingsReference``.
public enum SettingsHelp {
    public struct Setting: Sendable {
        let key: String
        let type: String
        let defaultValue: String
        let meaning: String
    }

    public struct Service: Sendable {
        let summary: String
        let settings: [Setting]
    }

    /// The help of `executable` (`iblagh-router`), wrapped at `width` columns; nil for an executable that is not a
    /// service.
    public static func text(of executable: String, width: Int = 100) -> String? {
        guard executable.hasPrefix("iblagh-"), let service = SettingsReference.services[String(executable.dropFirst("iblagh-".count))] else {
            return nil
        }
        let example = service.settings.first { $0.key.hasSuffix(".http.port") } ?? service.settings[0]
        var lines = wrap(service.summary, width: width) + [""]
        lines.append("usage: \(executable) [--config FILE] [--SETTING VALUE ...]")
        lines.append("       \(executable) --check [--config FILE] [--SETTING VALUE ...]")
        lines.append("       \(executable) --help | --version")
        lines.append("")
        lines += wrap(
            "Each setting comes from the command line (--\(Settings.commandLineName(example.key)) VALUE), else the environment "
                + "(\(Settings.environmentName(example.key))=VALUE), else the JSON file named by --config or IBLAGH_CONFIG "
                + "(nested by the key's parts), else its default. A setting marked required has none. With --check it reads every "
                + "setting and the files they name (keys, allow-lists, data files) and stops: exit status 0 when all are valid, else 1 "
                + "and the setting that is not; its store and endpoints are not opened.", width: width)
        for (title, settings) in [("Settings:", service.settings), ("Read by every service:", SettingsReference.common)] {
            lines += ["", title]
            for setting in settings {
                lines.append("  --\(Settings.commandLineName(setting.key)), \(Settings.environmentName(setting.key))")
                // The doc's "required" and "none (…)" read as what they mean; any other is the default.
                let value =
                    setting.defaultValue == "required" ? "required"
                    : setting.defaultValue.hasPrefix("none") ? "optional" + setting.defaultValue.dropFirst(4) : "default \(setting.defaultValue)"
                lines += wrap("\(setting.type), \(value): \(setting.meaning)", width: width, indent: "      ")
            }
        }
        lines += ["", "Every setting of every service, with examples: docs/configuration.md"]
        return lines.joined(separator: "\n") + "\n"
    }

    /// `text` broken at spaces into lines of at most `width` columns (a longer word stands alone), each after `indent`.
    static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
        var lines: [String] = []
        var line = indent
        for word in text.split(separator: " ") {
            if line.count > indent.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent
            }
            line += (line.count > indent.count ? " " : "") + word
        }
        return lines + [line]
    }
}
