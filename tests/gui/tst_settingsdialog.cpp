// SettingsDialog: rejects insecure API addresses with a clear message, validates the folder and certificates,
// persists accepted values through Settings (no secret anywhere), and is fully labelled for accessibility.

#include "GuiHarness.h"
#include "SettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QtTest>

using namespace getbill;
using namespace getbill::gui;
using namespace Qt::StringLiterals;

class TestSettingsDialog : public QObject
{
    Q_OBJECT

private slots:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_store = std::make_unique<QSettings>(m_dir->filePath(u"s.ini"_s), QSettings::IniFormat);
        m_settings = std::make_unique<Settings>(m_store.get());
    }

    void apiAddressIsShownNotEdited()
    {
        // The sign-in dialog is the one place to change it (tst_signindialog::refusedAddresses); here it is read.
        test::ScriptedChooser chooser;
        {
            SettingsDialog dialog(m_settings.get(), &chooser);
            auto *edit = dialog.findChild<QLineEdit *>(u"apiUrlEdit"_s);
            QVERIFY(edit->isReadOnly());
            QCOMPARE(edit->text(), u"https://getbill.io/external-api/v1"_s);
        }
        m_settings->setApiUrl(QUrl(u"https://eu.getbill.example/external-api/v1"_s));
        SettingsDialog dialog(m_settings.get(), &chooser);
        dialog.show();
        auto *edit = dialog.findChild<QLineEdit *>(u"apiUrlEdit"_s);
        QCOMPARE(edit->text(), u"https://eu.getbill.example/external-api/v1"_s);
        QTest::keyClicks(edit, u"/changed"_s);
        QCOMPARE(edit->text(), u"https://eu.getbill.example/external-api/v1"_s);
        QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(m_settings->apiUrl(), QUrl(u"https://eu.getbill.example/external-api/v1"_s));
    }

    void languageIsChosenForTheNextStart()
    {
        test::ScriptedChooser chooser;
        {
            SettingsDialog dialog(m_settings.get(), &chooser);
            auto *combo = dialog.findChild<QComboBox *>(u"languageCombo"_s);
            QCOMPARE(combo->count(), 4);
            QCOMPARE(combo->currentText(), u"System default"_s);
            // Each language in its own name; the dialog says when a change applies.
            QCOMPARE(combo->itemText(2), u"Français"_s);
            QCOMPARE(combo->itemText(3), u"Deutsch"_s);
            QVERIFY(dialog.findChild<QLabel *>(u"languageHint"_s)->text().contains(u"next time"_s));
            combo->setCurrentIndex(3);
            dialog.accept();
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        QCOMPARE(m_settings->language(), u"de"_s);
        QCOMPARE(QSettings(m_dir->filePath(u"s.ini"_s), QSettings::IniFormat).value(u"window/language"_s), u"de"_s);
        SettingsDialog again(m_settings.get(), &chooser);
        auto *combo = again.findChild<QComboBox *>(u"languageCombo"_s);
        QCOMPARE(combo->currentText(), u"Deutsch"_s);
        combo->setCurrentIndex(0);
        again.accept();
        QCOMPARE(m_settings->language(), QString());
    }

    void persistsValues()
    {
        test::ScriptedChooser chooser;
        QTemporaryDir folder;
        chooser.folderAnswer = folder.path();
        {
            SettingsDialog dialog(m_settings.get(), &chooser);
            dialog.show();
            // The folder comes from the (native, here scripted) folder dialog and switches the mode on.
            QTest::mouseClick(dialog.findChild<QRadioButton *>(u"folderRadio"_s), Qt::LeftButton);
            QTest::mouseClick(dialog.findChild<QPushButton *>(u"folderBrowse"_s), Qt::LeftButton);
            QCOMPARE(chooser.folderCalls.size(), 1);
            auto *spin = dialog.findChild<QSpinBox *>(u"concurrentSpin"_s);
            QCOMPARE(spin->maximum(), 8);
            QCOMPARE(spin->minimum(), 1);
            spin->setValue(6);
            auto *tray = dialog.findChild<QCheckBox *>(u"trayCheck"_s);
            QVERIFY(tray->isChecked()); // on unless the user says otherwise
            QTest::mouseClick(tray, Qt::LeftButton);
            QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        m_store->sync();
        QSettings reread(m_dir->filePath(u"s.ini"_s), QSettings::IniFormat);
        Settings settings(&reread);
        QCOMPARE(settings.saveMode(), Settings::SaveMode::AlwaysToFolder);
        QCOMPARE(settings.downloadFolder(), folder.path());
        QCOMPARE(settings.maxConcurrentDownloads(), 6);
        QVERIFY(!settings.keepRunningInTray());

        // Reopened, the dialog shows what was saved.
        SettingsDialog again(&settings, &chooser);
        QVERIFY(again.findChild<QRadioButton *>(u"folderRadio"_s)->isChecked());
        QCOMPARE(again.findChild<QSpinBox *>(u"concurrentSpin"_s)->value(), 6);
        QVERIFY(!again.findChild<QCheckBox *>(u"trayCheck"_s)->isChecked());
    }

    void rejectsMissingFolderAndBadCertificates()
    {
        test::ScriptedChooser chooser;
        SettingsDialog dialog(m_settings.get(), &chooser);
        dialog.show();
        dialog.findChild<QRadioButton *>(u"folderRadio"_s)->setChecked(true);
        const QString missing = m_dir->filePath(u"Downloads"_s);
        dialog.findChild<QLineEdit *>(u"folderEdit"_s)->setText(missing);
        dialog.accept();
        QCOMPARE(dialog.errorText(), u"The folder %1 does not exist yet."_s.arg(QDir::toNativeSeparators(missing)));
        QCOMPARE(m_settings->saveMode(), Settings::SaveMode::AskEveryTime);
        QVERIFY(dialog.isVisible());
        // Offered to be made instead of only refused; once made, OK takes it.
        auto *create = dialog.findChild<QPushButton *>(u"folderCreateButton"_s);
        QVERIFY(create->isVisible());
        create->click();
        QVERIFY(QFileInfo(missing).isDir());
        QVERIFY(!create->isVisible());
        dialog.accept();
        QCOMPARE(m_settings->saveMode(), Settings::SaveMode::AlwaysToFolder);
        QCOMPARE(m_settings->downloadFolder(), missing);
    }

    void folderThatCannotBeMadeOrIsAFileSaysSo()
    {
        test::ScriptedChooser chooser;
        SettingsDialog dialog(m_settings.get(), &chooser);
        dialog.show();
        dialog.findChild<QRadioButton *>(u"folderRadio"_s)->setChecked(true);
        QFile file(m_dir->filePath(u"a-file"_s));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        auto *edit = dialog.findChild<QLineEdit *>(u"folderEdit"_s);
        edit->setText(file.fileName());
        dialog.accept();
        QVERIFY2(dialog.errorText().contains(u"is a file, not a folder"_s), qPrintable(dialog.errorText()));
        auto *create = dialog.findChild<QPushButton *>(u"folderCreateButton"_s);
        QVERIFY(!create->isVisible());
        // Under a file, a folder cannot be made (even as root): the click says so and nothing is saved.
        const QString impossible = file.fileName() + u"/reports"_s;
        edit->setText(impossible);
        dialog.accept();
        QVERIFY(create->isVisible());
        create->click();
        QCOMPARE(dialog.errorText(), u"The folder %1 could not be created. Choose another one."_s.arg(
                                         QDir::toNativeSeparators(impossible)));
        QCOMPARE(m_settings->saveMode(), Settings::SaveMode::AskEveryTime);
        // Typing another folder takes the offer away.
        QTest::keyClick(edit, Qt::Key_Backspace);
        QVERIFY(!create->isVisible());
    }

    void rejectsBadCertificates()
    {
        test::ScriptedChooser chooser;
        SettingsDialog dialog(m_settings.get(), &chooser);
        dialog.show();

        dialog.findChild<QRadioButton *>(u"askRadio"_s)->setChecked(true);
        QFile notPem(m_dir->filePath(u"ca.pem"_s));
        QVERIFY(notPem.open(QIODevice::WriteOnly));
        notPem.write("not a certificate");
        notPem.close();
        dialog.findChild<QLineEdit *>(u"caBundleEdit"_s)->setText(notPem.fileName());
        dialog.accept();
        QVERIFY(!dialog.errorText().isEmpty());
        QVERIFY(m_settings->caBundlePath().isEmpty());
    }

    void accessibleNames()
    {
        test::ScriptedChooser chooser;
        SettingsDialog dialog(m_settings.get(), &chooser);
        QStringList missing;
        for (QWidget *w : dialog.findChildren<QWidget *>()) {
            // Qt's internal parts (the spin box's line edit) are announced through their owner.
            if (w->focusPolicy() != Qt::NoFocus && w->accessibleName().isEmpty() &&
                !w->objectName().startsWith(u"qt_"_s))
                missing << w->objectName();
        }
        QVERIFY2(missing.isEmpty(), qPrintable(missing.join(u", "_s)));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QSettings> m_store;
    std::unique_ptr<Settings> m_settings;
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
