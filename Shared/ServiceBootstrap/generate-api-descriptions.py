#!/usr/bin/env python3
"""Writes APIDescriptions.swift from docs/openapi/*.json: the OpenAPI descriptions intake and statistics serve at
/v1/openapi.json, so a running service describes itself as it is. Run it after editing a description:

    python3 Shared/ServiceBootstrap/generate-api-descriptions.py           # rewrites the Swift file
    python3 Shared/ServiceBootstrap/generate-api-descriptions.py --check   # exit status 1 when it is out of date
"""
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
DOCS = HERE.parents[1] / "docs" / "openapi"
OUT = HERE / "APIDescriptions.swift"


def render():
    out = [
        "// Generated from docs/openapi/*.json by generate-api-descriptions.py in this folder: do not edit, run it again.\n",
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
    text = render()
    if "--check" in sys.argv[1:]:
        current = OUT.read_text(encoding="utf-8") if OUT.exists() else ""
        if current != text:
            sys.exit(f"{OUT.name} is out of date with docs/openapi: run python3 {HERE.relative_to(HERE.parents[1])}/{pathlib.Path(__file__).name}")
        return
    OUT.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
