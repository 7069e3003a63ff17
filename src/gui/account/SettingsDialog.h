#pragma once

#include <QDialog>
#include <memory>

namespace Ui {
class SettingsDialog;
}

namespace getbill {
class Settings;
class WatchScheduler;
} // namespace getbill

namespace getbill::gui {

class SaveLocationChooser;
class WatchPage;

/// Edits the preferences kept in Settings: API address (https, or http on loopback), where downloads go, how many
/// run at once, an extra CA bundle, and (on the Watch page) the account's watch rules. Validates before closing and
/// says what is wrong in the dialog itself; holds no secret (sign-in is elsewhere).
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(Settings *settings, SaveLocationChooser *chooser, QWidget *parent = nullptr);
    ~SettingsDialog() override;

    /// The message shown for the last rejected input, or empty.
    QString errorText() const;
    /// Adds the Watch page with the rules of `account` (ApiClient::accountKey()); `watch` runs them (may be null).
    void showWatchRules(const QString &account, WatchScheduler *watch);
    WatchPage *watchPage() const { return m_watch; }

public slots:
    void accept() override;

private:
    /// Empty when the input is acceptable.
    QString validate() const;
    void showError(const QString &text);
    void updateEnabled();

    std::unique_ptr<Ui::SettingsDialog> m_ui;
    Settings *m_settings;
    SaveLocationChooser *m_chooser;
    WatchPage *m_watch = nullptr;
};

} // namespace getbill::gui
