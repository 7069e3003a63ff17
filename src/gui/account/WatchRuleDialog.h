#pragma once

#include "download/WatchRule.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;

namespace getbill::gui {

class SaveLocationChooser;

/// Adds or edits one watch rule of the settings' Watch page: its name, the report types, the folder (with the
/// folder chooser) and the template under it, and whether it is on. OK validates as `sync` does (the same
/// SyncTemplate parser) and says in the dialog which field is wrong; a folder that does not exist yet is made.
class WatchRuleDialog : public QDialog
{
    Q_OBJECT
public:
    /// `takenNames`: the names of the other rules (a name says which rule saved a file, so it is unique).
    WatchRuleDialog(const WatchRule &rule, const QStringList &takenNames, SaveLocationChooser *chooser,
                    QWidget *parent = nullptr);

    /// The rule as the fields say.
    WatchRule rule() const;
    /// The message shown for the last rejected input, or empty.
    QString errorText() const;

public slots:
    void accept() override;

private:
    QString validate() const;

    QStringList m_taken;
    SaveLocationChooser *m_chooser;
    QLineEdit *m_name;
    QLineEdit *m_types;
    QLineEdit *m_folder;
    QLineEdit *m_template;
    QCheckBox *m_enabled;
    QLabel *m_error;
};

} // namespace getbill::gui
