# Builds the Windows installer (NSIS) of GetBill Reports. Run in a "Developer PowerShell for VS" with Qt 6
# (MSVC build), QtKeychain, CMake, Ninja and NSIS on PATH:
#   powershell -ExecutionPolicy Bypass -File packaging\windows\package.ps1 -QtDir C:\Qt\6.4.2\msvc2019_64
param(
    [Parameter(Mandatory = $true)][string]$QtDir,
    [string]$KeychainDir = "",
    [string]$BuildDir = "build\windows"
)
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
$prefix = $QtDir
if ($KeychainDir) { $prefix = "$QtDir;$KeychainDir" }
cmake -S . -B $BuildDir -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" `
      -DGETBILL_BUILD_TESTS=OFF -DGETBILL_BUILD_BENCHMARKS=OFF
cmake --build $BuildDir --config Release
# Stage the install tree, then put Qt's DLLs and plugins next to the executables.
$stage = Join-Path $BuildDir "stage"
cmake --install $BuildDir --prefix $stage
& (Join-Path $QtDir "bin\windeployqt.exe") --release --no-translations --compiler-runtime `
    (Join-Path $stage "bin\getbill-reports.exe") (Join-Path $stage "bin\getbill-reports-cli.exe")
if ($KeychainDir) { Copy-Item (Join-Path $KeychainDir "bin\qt6keychain.dll") (Join-Path $stage "bin") }
Push-Location $BuildDir
cpack -G NSIS -D CPACK_INSTALLED_DIRECTORIES="$((Resolve-Path stage).Path);."
Pop-Location
Write-Host "Installer written to $BuildDir"
