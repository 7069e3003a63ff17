#pragma once

#include "sandbox/SandboxTypes.h"

#include <QList>

namespace getbill::sandbox {

/// The demo data set: three dozen monthly reports (2024 to 2026) of a fictitious French company, in English and
/// French, with real PDF, XLSX and CSV content, plus one large generated export for memory benchmarks. Built
/// deterministically (same ids, bytes and dates on every run) so tests and screenshots are reproducible.
class SampleCatalogue
{
public:
    static constexpr qint64 LargeReportSize = qint64(256) * 1024 * 1024;
    static QString largeReportId();

    static QList<SandboxReport> reports();

    /// "report_" + 6 lower-case alphanumerics derived from `seed`: stable across runs.
    static QString makeId(const QString &seed);
};

} // namespace getbill::sandbox
