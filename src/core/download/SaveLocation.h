#pragma once

#include "api/Report.h"

#include <QString>
#include <functional>

class QObject;

namespace getbill {

/// Where the user wants a report saved when the caller said "ask" (DownloadTarget::ask()): the seam between the
/// download flow in core and whatever asks. The window answers with the platform's native dialogs; tests answer
/// without a dialog; the CLI never asks (its options say where). An answer may come later (a dialog is open); an
/// empty path means the user cancelled. Nothing is queued, and no download information is requested, before the
/// answer: a cancelled dialog costs GetBill nothing.
class SaveLocation
{
public:
    using Answer = std::function<void(const QString &path)>;

    virtual ~SaveLocation() = default;
    /// One report: a file. `suggestedName` is the sanitised name the file would get.
    virtual void chooseFile(const Report &report, const QString &suggestedName, QObject *context, Answer answer) = 0;
    /// Several reports at once: one folder for all of them (a dialog per file would be tiring).
    virtual void chooseFolder(int count, QObject *context, Answer answer) = 0;
};

} // namespace getbill
