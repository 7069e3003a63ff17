#!/usr/bin/env bash
# Builds GetBill Reports.app and a .dmg on macOS. Needs Xcode command line tools, CMake, Ninja, Qt 6 and
# QtKeychain (e.g. `brew install qt qtkeychain cmake ninja`):
#   packaging/macos/package.sh [/path/to/Qt/6.x/macos]
set -euo pipefail
cd "$(dirname "$0")/../.."
qt=${1:-$(brew --prefix qt 2>/dev/null || true)}
build=build/macos
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$qt" \
    -DGETBILL_BUILD_TESTS=OFF -DGETBILL_BUILD_BENCHMARKS=OFF
cmake --build "$build"
# Qt frameworks and plugins go inside the bundle; the CLI twin rides along in Contents/MacOS.
"$qt/bin/macdeployqt" "$build/app/gui/getbill-reports.app" \
    -executable="$build/app/gui/getbill-reports.app/Contents/MacOS/getbill-reports"
cp "$build/app/cli/getbill-reports-cli" "$build/app/gui/getbill-reports.app/Contents/MacOS/"
(cd "$build" && cpack -G DragNDrop)
echo "Disk image written to $build"
