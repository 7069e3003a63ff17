# shellcheck shell=bash disable=SC2034 # sourced: the package lists are used by the scripts that source it
# Shared by scripts/run, scripts/test and scripts/bench: Debian packages, configure and build. Sourced, not run.

# The Debian 12 packages each step needs. Build: compiler, CMake, Qt 6, QtKeychain, and QuaZip with zlib for the
# XLSX preview (src/preview includes zlib.h itself; its tests use Qt5Compat's codecs as a reference), QtPdf for the
# PDF preview, Qt's own French and German words (qt6-translations-l10n). Test: a
# virtual display, a session bus and a real Secret Service (gnome-keyring), and the tools tests use to check real
# files.
GETBILL_BUILD_PACKAGES=(g++ cmake ninja-build pkgconf qt6-base-dev qt6-base-dev-tools qt6-tools-dev
    qt6-tools-dev-tools qt6-l10n-tools qtkeychain-qt6-dev libgl-dev libqt6svg6 qt6-qpa-plugins libssl-dev
    libquazip1-qt6-dev zlib1g-dev qt6-5compat-dev qt6-pdf-dev qt6-translations-l10n)
# nginx (Debian's nginx-light), openssl, tinyproxy and curl are the real servers and the independent client of the
# integration tests; trayer (a system tray for X) and notification-daemon are the desktop tests' tray host and
# notification server; at-spi2-core (the accessibility bus and registry) and python3-pyatspi are the screen reader's
# side of tst_atspi.
GETBILL_TEST_PACKAGES=(xvfb xauth dbus dbus-x11 gnome-keyring libsecret-tools poppler-utils unzip e2fsprogs
    desktop-file-utils appstream nginx-light openssl tinyproxy curl trayer notification-daemon at-spi2-core
    python3-pyatspi)
# scripts/bench: the servers and curl of the tests, GNU time for peak memory, libxcb headers for window_startup, a
# virtual display, and column for the table.
GETBILL_BENCH_PACKAGES=(nginx-light openssl curl time libxcb1-dev xvfb xauth bsdextrautils)

getbill_say() { printf '%s\n' "$*" >&2; }

# Installs the packages that are not installed yet; silent when nothing is missing.
getbill_ensure_packages() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! command -v apt-get >/dev/null; then
        getbill_say "Missing packages: ${missing[*]} (and no apt-get here to install them)."
        return 1
    fi
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    getbill_say "Installing missing packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" \
        >/dev/null
}

# getbill_build <build dir> <build type> [extra cmake args...]: configures once, then builds quietly.
getbill_build() {
    local dir=$1 type=$2
    shift 2
    if [ ! -f "$dir/build.ninja" ]; then
        cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" "$@" >"$dir.configure.log" 2>&1 || {
            cat "$dir.configure.log" >&2
            return 1
        }
    fi
    local log="$dir/build.log"
    if ! cmake --build "$dir" -j "$(nproc)" >"$log" 2>&1; then
        grep -E 'error|Error|FAILED' -A3 "$log" | head -60 >&2
        getbill_say "Build failed; full log: $log"
        return 1
    fi
}
