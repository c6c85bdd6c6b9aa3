#!/usr/bin/env python3
"""Writes the two Swift files of this folder that are copies of the docs, so that the executables carry them:

* SettingsReference.swift, from docs/configuration.md's tables: each service's settings, printed by --help;
* APIDescriptions.swift, from docs/openapi/*.json: the OpenAPI descriptions intake and statistics serve at
  /v1/openapi.json.

Run it after editing either; a test fails until it is:

    python3 Shared/ServiceBootstrap/generate.py           # rewrites both files
    python3 Shared/ServiceBootstrap/generate.py --check   # exit status 1 when either is out of date
"""
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
DOC = HERE.parents[1] / "docs" / "configuration.md"
DOCS = HERE.parents[1] / "docs" / "openapi"
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


def render_settings(common, services):
    def rows(cells, indent):
        return "".join(
            f"{indent}.init(key: {swift(k)}, type: {swift(t)}, defaultValue: {swift(d)}, meaning: {swift(m)}),\n" for k, t, d, m in cells)

    out = [
        "// Generated from docs/configuration.md by generate.py in this folder: do not edit, run it again.\n",
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


def api_descriptions():
    out = [
        "// Generated from docs/openapi/*.json by generate.py in this folder: do not edit, run it again.\n",
        "\n",
        "/// The OpenAPI descriptions in docs/openapi/, served by the services they describe at `/v1/openapi.json`.\n",
        "public enum APIDescriptions {\n",
    ]
    for path in sorted(DOCS.glob("*.json")):
        text = path.read_text(encoding="utf-8")
        json.loads(text)  # a description that is not JSON stops here, not in a service
        if '"""#' in text:
            sys.exit(f"{path} contains the raw string delimiter")
        out.append(f"    /// docs/openapi/{path.name}\n")
        out.append(f"    public static let {path.stem} = #\"\"\"\n{text.rstrip(chr(10))}\n\"\"\"#\n")
    out.append("}\n")
    return "".join(out)


def main():
    outputs = {
        HERE / "SettingsReference.swift": render_settings(*sections(DOC.read_text(encoding="utf-8"))),
        HERE / "APIDescriptions.swift": api_descriptions(),
    }
    for path, text in outputs.items():
        if "--check" in sys.argv[1:]:
            if (path.read_text(encoding="utf-8") if path.exists() else "") != text:
                sys.exit(f"{path.name} is out of date with the docs: run python3 {HERE.relative_to(HERE.parents[1])}/generate.py")
        else:
            path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
