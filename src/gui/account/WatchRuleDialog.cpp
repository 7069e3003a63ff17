#include "WatchRuleDialog.h"

#include "PlainText.h"
#include "SaveLocationChooser.h"
#include "Tint.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace getbill::gui {

WatchRuleDialog::WatchRuleDialog(const WatchRule &rule, const QStringList &takenNames, SaveLocationChooser *chooser,
                                 QWidget *parent)
    : QDialog(parent), m_taken(takenNames), m_chooser(chooser), m_name(new QLineEdit(rule.name, this)),
      m_types(new QLineEdit(rule.types.join(QLatin1String(", ")), this)),
      m_folder(new QLineEdit(QDir::toNativeSeparators(rule.folder), this)),
      m_template(new QLineEdit(rule.templateText, this)), m_enabled(new QCheckBox(tr("&Watch with this rule"), this)),
      m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("watchRuleDialog"));
    setWindowTitle(rule.name.isEmpty() ? tr("New watch rule") : tr("Watch rule"));
    m_name->setObjectName(QStringLiteral("ruleName"));
    m_name->setAccessibleName(tr("Rule name"));
    m_name->setPlaceholderText(tr("Monthly financial reports"));
    m_types->setObjectName(QStringLiteral("ruleTypes"));
    m_types->setAccessibleName(tr("Report types"));
    m_types->setPlaceholderText(tr("Every type (or: financial, collection)"));
    m_folder->setObjectName(QStringLiteral("ruleFolder"));
    m_folder->setAccessibleName(tr("Folder"));
    m_template->setObjectName(QStringLiteral("ruleTemplate"));
    m_template->setAccessibleName(tr("Template"));
    m_template->setPlaceholderText(SyncTemplate::defaultText());
    m_enabled->setObjectName(QStringLiteral("ruleEnabled"));
    m_enabled->setChecked(rule.enabled);
    m_error->setObjectName(QStringLiteral("ruleError"));
    m_error->setAccessibleName(tr("Watch rule error"));
    m_error->setWordWrap(true);
    PlainText::apply(m_error);
    Tint::apply(m_error, Tint::Tone::Error, QStringLiteral("padding:6px;"));
    m_error->hide();

    auto *browse = new QPushButton(tr("Choose…"), this);
    browse->setObjectName(QStringLiteral("ruleFolderBrowse"));
    browse->setAccessibleName(tr("Choose folder"));
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString folder = m_chooser->chooseFolder(this, tr("Save the rule's reports to"), m_folder->text());
        if (!folder.isEmpty())
            m_folder->setText(QDir::toNativeSeparators(folder));
    });
    auto *folderRow = new QHBoxLayout;
    folderRow->addWidget(m_folder);
    folderRow->addWidget(browse);

    auto *hint = new QLabel(
        tr("Where each report goes under the folder; / makes folders. Fields: %1. Dates take a "
           "format: {period_from:yyyy}/{period_from:yyyy-MM}.")
            .arg(QStringLiteral("{") + SyncTemplate::fieldNames().join(QStringLiteral("} {")) + QStringLiteral("}")),
        this);
    hint->setObjectName(QStringLiteral("ruleTemplateHint"));
    hint->setWordWrap(true);
    PlainText::apply(hint);
    // A wrapped label in a form gets one line's height unless told: room for it at a narrow width.
    hint->setMinimumHeight(hint->heightForWidth(320));

    auto *form = new QFormLayout;
    const auto label = [this](const QString &text, QWidget *buddy) {
        auto *l = new QLabel(text, this);
        l->setBuddy(buddy);
        return l;
    };
    form->addRow(label(tr("&Name:"), m_name), m_name);
    form->addRow(label(tr("Report &types:"), m_types), m_types);
    form->addRow(label(tr("&Folder:"), m_folder), folderRow);
    form->addRow(label(tr("T&emplate:"), m_template), m_template);
    form->addRow(QString(), hint);
    form->addRow(QString(), m_enabled);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &WatchRuleDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    // The error, when it shows, makes the dialog taller rather than squeezing the hint into the fields.
    layout->setSizeConstraint(QLayout::SetMinimumSize);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addStretch();
    layout->addWidget(buttons);
    resize(600, sizeHint().height());
    m_name->setFocus();
}

WatchRule WatchRuleDialog::rule() const
{
    WatchRule rule;
    rule.name = m_name->text().trimmed();
    rule.types = WatchRule::parseTypes(m_types->text());
    rule.folder = QDir::fromNativeSeparators(m_folder->text().trimmed());
    rule.templateText =
        m_template->text().trimmed().isEmpty() ? SyncTemplate::defaultText() : m_template->text().trimmed();
    rule.enabled = m_enabled->isChecked();
    return rule;
}

QString WatchRuleDialog::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString WatchRuleDialog::validate() const
{
    const WatchRule r = rule();
    QString error;
    if (!r.toSyncRule(&error))
        return error;
    if (m_taken.contains(r.name))
        return tr("Name: another rule is called “%1”.").arg(r.name);
    const QFileInfo folder(r.folder);
    if (folder.exists() && !folder.isDir())
        return tr("Folder: %1 is a file, not a folder.").arg(QDir::toNativeSeparators(r.folder));
    return {};
}

void WatchRuleDialog::accept()
{
    QString error = validate();
    // A folder typed that is not there yet is made: that is where the rule's reports will go.
    if (error.isEmpty() && !QDir().mkpath(rule().folder))
        error = tr("Folder: %1 could not be created.").arg(QDir::toNativeSeparators(rule().folder));
    if (!error.isEmpty()) {
        m_error->setText(error);
        m_error->show();
        adjustSize();
        return;
    }
    m_error->hide();
    QDialog::accept();
}

} // namespace getbill::gui
