#pragma once

#include "diag/LogBuffer.h"
#include "diag/RecentErrors.h"

#include <QObject>
#include <QStringList>
#include <QUrl>

class QWidget;

namespace getbill {
class DownloadQueue;
class Settings;
} // namespace getbill

namespace getbill::gui {

class MessageBar;
class SaveLocationChooser;

/// Help > Save diagnostics: owns the log ring (installed as the message handler for the application's life, with
/// the request log of getbill.http turned on) and the list of the last errors the user saw (the message bar's errors
/// and warnings, failed downloads); save() asks where through the SaveLocationChooser seam, writes the redacted
/// DiagnosticsReport there (0600) and says in the message bar how it went. Owned by the Application.
class Diagnostics : public QObject
{
    Q_OBJECT
public:
    explicit Diagnostics(QObject *parent = nullptr);
    ~Diagnostics() override;

    /// Errors and warnings shown in `bar` and downloads of `queue` that fail go to the list of last errors.
    void watch(MessageBar *bar, DownloadQueue *queue);
    /// Asks for a file and writes the report; `knownSecrets` (the current tokens) are removed wherever they appear.
    void save(QWidget *parent, SaveLocationChooser *chooser, MessageBar *bar, const Settings &settings,
              const QUrl &apiUrl, const QStringList &knownSecrets);

    LogBuffer &log() { return m_log; }
    RecentErrors &errors() { return m_errors; }

private:
    LogBuffer m_log;
    RecentErrors m_errors;
};

} // namespace getbill::gui
