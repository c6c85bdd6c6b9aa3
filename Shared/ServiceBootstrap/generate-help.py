#!/usr/bin/env python3
"""Writes SettingsReference.swift from docs/configuration.md: the settings each service lists for --help.

docs/configuration.md is the one place settings are documented (ConfigurationReferenceTests keeps it and the code in
step); this copies its tables into the executables, as plain text. Run it after editing the page:

    python3 Shared/ServiceBootstrap/generate-help.py           # rewrites the Swift file
    python3 Shared/ServiceBootstrap/generate-help.py --check   # exit status 1 when the Swift file is out of date
"""
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "configuration.md"
OUT = HERE / "SettingsReference.swift"
SERVICES = ["intake", "router", "notifier", "tracker", "statistics"]


def plain(markdown):
    """Markdown of one cell or paragraph as terminal text: a link as the page it points to (`[below](#hop-linger)` →
    docs/configuration.md#hop-linger), no backticks or emphasis."""
    def target(link):
        page, _, anchor = link.group(2).partition("#")
        return f"docs/{page or DOC.name}" + (f"#{anchor}" if anchor else "")
    text = re.sub(r"\[([^\]]*)\]\(([^)]*)\)", target, markdown)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return text.replace("`", "").strip()


def swift(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sections(doc):
    """The rows before the first service's heading (every service reads them), then each service's summary and rows."""
    common, services, current = [], {}, None
    lines = doc.split("\n")
    for index, line in enumerate(lines):
        heading = re.match(r"^## (\w+)$", line)
        if heading:
            current = heading.group(1) if heading.group(1) in SERVICES else "other"
            if current in SERVICES:
                summary = []
                for following in lines[index + 1:]:
                    if following.startswith("|"):
                        break
                    if following.strip() or summary:
                        summary.append(following.strip())
                services[current] = {"summary": plain(" ".join(s for s in summary if s)), "rows": []}
            continue
        if not line.startswith("| `"):
            continue
        cells = [plain(cell) for cell in line.strip().strip("|").split(" | ")]
        if len(cells) != 4:
            sys.exit(f"{DOC}: a settings row without four cells: {line}")
        rows = common if current is None else services.get(current, {}).get("rows")
        if rows is not None:
            rows.append(cells)
    missing = [name for name in SERVICES if name not in services]
    if missing or not common:
        sys.exit(f"{DOC}: no section for {', '.join(missing) or 'the settings every service reads'}")
    return common, services


def render(common, services):
    def rows(cells, indent):
        return "".join(
            f"{indent}.init(key: {swift(k)}, type: {swift(t)}, defaultValue: {swift(d)}, meaning: {swift(m)}),\n" for k, t, d, m in cells)

    out = [
        "// Generated from docs/configuration.md by generate-help.py in this folder: do not edit, run it again.\n",
        "\n",
        "/// Every setting of every service as docs/configuration.md lists it, for each executable's `--help`.\n",
        "enum SettingsReference {\n",
        "    /// The settings every service reads.\n",
        "    static let common: [SettingsHelp.Setting] = [\n",
        rows(common, "        "),
        "    ]\n",
        "\n",
        "    /// Each service's summary and settings, by the name after `iblagh-` in its executable's.\n",
        "    static let services: [String: SettingsHelp.Service] = [\n",
    ]
    for name in SERVICES:
        out.append(f"        {swift(name)}: .init(\n")
        out.append(f"            summary: {swift(services[name]['summary'])},\n")
        out.append("            settings: [\n")
        out.append(rows(services[name]["rows"], "                "))
        out.append("            ]),\n")
    out.append("    ]\n}\n")
    return "".join(out)


def main():
    text = render(*sections(DOC.read_text(encoding="utf-8")))
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.exit(f"{OUT.name} is out of date with docs/configuration.md: run python3 {HERE.relative_to(HERE.parents[1])}/generate-help.py")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
