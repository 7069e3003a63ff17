#pragma once

#include "download/WatchRule.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;
class QSpinBox;
class QTreeWidget;

namespace getbill {
class Settings;
class WatchScheduler;
struct WatchRun;
} // namespace getbill

namespace getbill::gui {

class SaveLocationChooser;

/// The Watch page of the settings: the account's watch rules (name, report types, folder, template, on/off) with
/// Add, Edit, Remove and Run now, and how often they check. Edits stay in the page until save() (the dialog's OK);
/// Run now runs the selected rule as it stands through the application's WatchScheduler and says how it went.
class WatchPage : public QWidget
{
    Q_OBJECT
public:
    /// `account`: whose rules these are (ApiClient::accountKey()); `watch` may be null (nothing to run them with).
    WatchPage(Settings *settings, SaveLocationChooser *chooser, const QString &account, WatchScheduler *watch,
              QWidget *parent = nullptr);

    QList<WatchRule> rules() const { return m_rules; }
    /// Writes the rules and the interval to the settings.
    void save();
    /// The status line (Run now's outcome), for tests.
    QString statusText() const;

    /// Opens the rule dialog for a new rule / the selected one; false when it was cancelled.
    bool addRule();
    bool editRule();
    void removeRule();
    void runSelected();

private:
    void fill();
    void updateButtons();
    void onRunFinished(const getbill::WatchRun &run);
    bool edit(int index);
    int current() const;

    Settings *m_settings;
    SaveLocationChooser *m_chooser;
    QString m_account;
    QPointer<WatchScheduler> m_watch;
    QList<WatchRule> m_rules;
    QTreeWidget *m_list;
    QSpinBox *m_interval;
    QPushButton *m_add;
    QPushButton *m_edit;
    QPushButton *m_remove;
    QPushButton *m_run;
    QLabel *m_status;
};

} // namespace getbill::gui
