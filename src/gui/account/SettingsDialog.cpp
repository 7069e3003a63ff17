#include "SettingsDialog.h"

#include "SaveLocationChooser.h"
#include "Settings.h"
#include "Tint.h"
#include "Translations.h"
#include "WatchPage.h"
#include "api/NetworkOptions.h"
#include "api/UrlPolicy.h"
#include "ui_SettingsDialog.h"

#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QPushButton>

namespace getbill::gui {

SettingsDialog::SettingsDialog(Settings *settings, SaveLocationChooser *chooser, QWidget *parent)
    : QDialog(parent), m_ui(std::make_unique<Ui::SettingsDialog>()), m_settings(settings), m_chooser(chooser)
{
    m_ui->setupUi(this);
    m_ui->errorLabel->hide();
    Tint::apply(m_ui->errorLabel, Tint::Tone::Error, QStringLiteral("padding:6px;"));
    m_ui->folderCreateButton->hide();
    // A folder that is not there yet (a new account's ~/Downloads) is offered to be made, not just refused.
    connect(m_ui->folderCreateButton, &QPushButton::clicked, this, [this] {
        const QString folder = QDir::fromNativeSeparators(m_ui->folderEdit->text().trimmed());
        m_ui->folderCreateButton->hide();
        if (!QDir().mkpath(folder)) {
            showError(
                tr("The folder %1 could not be created. Choose another one.").arg(QDir::toNativeSeparators(folder)));
            return;
        }
        m_ui->errorLabel->hide();
        m_ui->folderEdit->setFocus();
    });
    connect(m_ui->folderEdit, &QLineEdit::textEdited, m_ui->folderCreateButton, &QWidget::hide);
    m_ui->concurrentSpin->setRange(Settings::minConcurrent, Settings::maxConcurrentLimit);
    m_ui->buttonBox->button(QDialogButtonBox::Ok)->setAccessibleName(tr("OK"));
    m_ui->buttonBox->button(QDialogButtonBox::Cancel)->setAccessibleName(tr("Cancel"));

    // Shown, not edited: the address belongs to the account, and the sign-in dialog is the one place to change it
    // (with a credential that works there).
    m_ui->apiUrlEdit->setText(UrlPolicy::redacted(m_settings->apiUrl().isEmpty()
                                                      ? QUrl(QStringLiteral("https://getbill.io/external-api/v1"))
                                                      : m_settings->apiUrl()));
    m_ui->caBundleEdit->setText(QDir::toNativeSeparators(m_settings->caBundlePath()));
    const bool toFolder = m_settings->saveMode() == Settings::SaveMode::AlwaysToFolder;
    m_ui->askRadio->setChecked(!toFolder);
    m_ui->folderRadio->setChecked(toFolder);
    m_ui->folderEdit->setText(QDir::toNativeSeparators(m_settings->downloadFolder()));
    m_ui->concurrentSpin->setValue(m_settings->maxConcurrentDownloads());
    m_ui->trayCheck->setChecked(m_settings->keepRunningInTray());
    // Each language in its own name, so that someone who cannot read the current one still finds theirs.
    m_ui->languageCombo->addItem(tr("System default"), QString());
    m_ui->languageCombo->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_ui->languageCombo->addItem(QStringLiteral("Français"), QStringLiteral("fr"));
    m_ui->languageCombo->addItem(QStringLiteral("Deutsch"), QStringLiteral("de"));
    Q_ASSERT(m_ui->languageCombo->count() == Translations::languages().size() + 1);
    m_ui->languageCombo->setCurrentIndex(qMax(0, m_ui->languageCombo->findData(m_settings->language())));

    connect(m_ui->buttonBox, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(m_ui->buttonBox, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    connect(m_ui->folderRadio, &QRadioButton::toggled, this, &SettingsDialog::updateEnabled);
    connect(m_ui->folderBrowse, &QPushButton::clicked, this, [this] {
        const QString folder = m_chooser->chooseFolder(this, tr("Save reports to"), m_ui->folderEdit->text());
        if (!folder.isEmpty()) {
            m_ui->folderEdit->setText(QDir::toNativeSeparators(folder));
            m_ui->folderRadio->setChecked(true);
        }
    });
    connect(m_ui->caBundleBrowse, &QPushButton::clicked, this, [this] {
        const QString file = m_chooser->chooseOpenFile(this, tr("Extra trusted certificates"),
                                                       QFileInfo(m_ui->caBundleEdit->text()).absolutePath(),
                                                       tr("PEM certificates (*.pem *.crt);;All files (*)"));
        if (!file.isEmpty())
            m_ui->caBundleEdit->setText(QDir::toNativeSeparators(file));
    });
    updateEnabled();
    // The wrapped hints grow with the font and the language: open tall enough for them (the form's height is a
    // minimum), else Qt squeezes the rows below them.
    const int width = qMax(this->width(), minimumSizeHint().width());
    resize(width, qMax(height(), heightForWidth(width)));
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::showWatchRules(const QString &account, WatchScheduler *watch)
{
    if (m_watch)
        return;
    m_watch = new WatchPage(m_settings, m_chooser, account, watch, this);
    m_ui->pages->addTab(m_watch, tr("&Watch"));
}

QString SettingsDialog::errorText() const
{
    return m_ui->errorLabel->isHidden() ? QString() : m_ui->errorLabel->text();
}

void SettingsDialog::updateEnabled()
{
    const bool toFolder = m_ui->folderRadio->isChecked();
    m_ui->folderEdit->setEnabled(toFolder);
    m_ui->folderBrowse->setEnabled(toFolder);
}

QString SettingsDialog::validate() const
{
    const QString ca = m_ui->caBundleEdit->text().trimmed();
    if (!ca.isEmpty()) {
        NetworkOptions probe;
        QString error;
        if (!QFileInfo(ca).isFile())
            return tr("The certificates file %1 does not exist.").arg(ca);
        if (!probe.addCaBundle(QDir::fromNativeSeparators(ca), &error))
            return error;
    }
    if (m_ui->folderRadio->isChecked()) {
        const QFileInfo folder(m_ui->folderEdit->text().trimmed());
        if (m_ui->folderEdit->text().trimmed().isEmpty())
            return tr("Choose an existing folder to save reports to.");
        if (!folder.exists())
            return tr("The folder %1 does not exist yet.").arg(QDir::toNativeSeparators(folder.absoluteFilePath()));
        if (!folder.isDir())
            return tr("%1 is a file, not a folder. Choose a folder to save reports to.")
                .arg(QDir::toNativeSeparators(folder.absoluteFilePath()));
        if (!folder.isWritable())
            return tr("Reports cannot be saved to %1: the folder is not writable.")
                .arg(QDir::toNativeSeparators(folder.absoluteFilePath()));
    }
    return {};
}

void SettingsDialog::showError(const QString &text)
{
    m_ui->errorLabel->setText(text);
    m_ui->errorLabel->show();
}

void SettingsDialog::accept()
{
    const QString error = validate();
    if (!error.isEmpty()) {
        showError(error);
        const QString folder = m_ui->folderEdit->text().trimmed();
        if (m_ui->folderRadio->isChecked() && !folder.isEmpty() && !QFileInfo::exists(folder) &&
            error.contains(QDir::toNativeSeparators(QFileInfo(folder).absoluteFilePath())))
            m_ui->folderCreateButton->show();
        return;
    }
    m_ui->errorLabel->hide();
    m_settings->setCaBundlePath(QDir::fromNativeSeparators(m_ui->caBundleEdit->text().trimmed()));
    const bool toFolder = m_ui->folderRadio->isChecked();
    m_settings->setSaveMode(toFolder ? Settings::SaveMode::AlwaysToFolder : Settings::SaveMode::AskEveryTime);
    if (toFolder)
        m_settings->setDownloadFolder(QDir::fromNativeSeparators(m_ui->folderEdit->text().trimmed()));
    m_settings->setMaxConcurrentDownloads(m_ui->concurrentSpin->value());
    m_settings->setKeepRunningInTray(m_ui->trayCheck->isChecked());
    if (m_watch)
        m_watch->save();
    m_settings->setLanguage(m_ui->languageCombo->currentData().toString());
    m_settings->sync();
    QDialog::accept();
}

} // namespace getbill::gui
