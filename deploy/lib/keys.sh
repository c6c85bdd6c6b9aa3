#!/usr/bin/env bash
# Key making shared by deploy/local/stack.sh and deploy/kubernetes/generate-keys.sh (sourced).
#   iblagh_key TOOL KEYS NAME ROLE [ALLOW_DIR...]
# makes the CURVE key pair KEYS/NAME.key (public, with ROLE in its metadata) and KEYS/NAME.key_secret (mode 0600),
# and enrols the public certificate in each allow-list folder KEYS/ALLOW_DIR.
iblagh_key() {
  local tool="$1" keys="$2" name="$3" role="$4"
  shift 4
  "$tool" keys generate "$name" --dir "$keys" --role "$role" >/dev/null
  for dir in "$@"; do
    mkdir -p "$keys/$dir"
    cp "$keys/$name.key" "$keys/$dir/$name.key"
  done
}
