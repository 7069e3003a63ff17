#include "Diagnostics.h"

#include "MessageBar.h"
#include "SaveLocationChooser.h"
#include "diag/DiagnosticsReport.h"
#include "download/DownloadQueue.h"
#include "net/RequestLog.h"

#include <QDateTime>
#include <QDir>
#include <QStandardPaths>

namespace getbill::gui {

Diagnostics::Diagnostics(QObject *parent) : QObject(parent)
{
    // Request lines are kept for the report only: standard error of the window stays as quiet as it was.
    m_log.setEcho([](const QString &category, const QString &) { return category == QLatin1String("getbill.http"); });
    m_log.install();
    RequestLog::setEnabled(true);
}

Diagnostics::~Diagnostics()
{
    if (m_log.isInstalled())
        RequestLog::setEnabled(false);
    m_log.uninstall();
}

void Diagnostics::watch(MessageBar *bar, DownloadQueue *queue)
{
    connect(bar, &MessageBar::shown, this, [this](MessageBar::Level level, const QString &text) {
        if (level != MessageBar::Level::Information)
            m_errors.add(text);
    });
    connect(queue, &DownloadQueue::itemFinished, this, [this, queue](int row) {
        const ApiError error = queue->error(row);
        if (error.isError())
            m_errors.add(error.message());
    });
}

void Diagnostics::save(QWidget *parent, SaveLocationChooser *chooser, MessageBar *bar, const Settings &settings,
                       const QUrl &apiUrl, const QStringList &knownSecrets)
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString name = QLatin1String("getbill-diagnostics-") +
                         QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                         QLatin1String(".txt");
    const QString path =
        chooser->chooseSaveFile(parent, tr("Save diagnostics"), QDir(folder).filePath(name), tr("Text files (*.txt)"));
    if (path.isEmpty())
        return; // cancelled

    DiagnosticsReport report;
    report.applicationVersion = QStringLiteral(GETBILL_VERSION);
    report.apiUrl = apiUrl;
    report.settings = DiagnosticsReport::settingsOf(settings);
    report.errors = m_errors.entries();
    report.logLines = m_log.lines();
    report.knownSecrets = knownSecrets;
    QString why;
    if (report.writeTo(path, &why))
        bar->showInformation(tr("Diagnostics saved to %1. They contain no token, secret or link signature.")
                                 .arg(QDir::toNativeSeparators(path)));
    else
        bar->showError(tr("The diagnostics could not be saved to %1: %2").arg(QDir::toNativeSeparators(path), why));
}

} // namespace getbill::gui
