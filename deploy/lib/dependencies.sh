#!/usr/bin/env bash
# Installs what Iblagh needs on Debian 12 when it is missing; sourced by deploy/local/run.sh and deploy/test.sh.
#   iblagh_require_packages [extra Debian packages...]
#   iblagh_require_python_modules    (pyzmq and protobuf for the interop tests, PyYAML for the manifest tests,
#                                     selenium for the browser test, Schemathesis for the API conformance tests)

iblagh_apt() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  if [ -z "${IBLAGH_APT_UPDATED:-}" ]; then
    $sudo apt-get update -qq
    IBLAGH_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@"
}

iblagh_require_packages() {
  local wanted=(libzmq3-dev libssl-dev libsqlite3-dev libpq-dev pkg-config "$@") missing=()
  for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "==> installing Debian packages: ${missing[*]}"
    iblagh_apt "${missing[@]}"
  fi
}

iblagh_require_python_modules() {
  command -v python3 >/dev/null || iblagh_apt python3
  local modules='import zmq, google.protobuf, yaml, selenium, schemathesis'
  if ! python3 -c "$modules" 2>/dev/null; then
    echo "==> installing pyzmq, protobuf, PyYAML, selenium and Schemathesis for python3"
    if ! python3 -m pip --version >/dev/null 2>&1; then iblagh_apt python3-pip; fi
    # Schemathesis is not packaged by Debian 12: without pip's index the last attempt leaves it missing, and the
    # check below says so.
    python3 -m pip install -q pyzmq protobuf pyyaml selenium schemathesis 2>/dev/null \
      || python3 -m pip install -q --break-system-packages pyzmq protobuf pyyaml selenium schemathesis 2>/dev/null \
      || iblagh_apt python3-zmq python3-protobuf python3-yaml python3-selenium
  fi
  python3 -c "$modules" || { echo "pyzmq, protobuf, PyYAML, selenium and Schemathesis could not be installed for python3" >&2; exit 1; }
}
