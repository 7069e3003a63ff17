#pragma once

#include "FileLauncher.h"
#include "MainWindow.h"
#include "SaveLocationChooser.h"
#include "Settings.h"
#include "TestFixture.h"
#include "download/DownloadController.h"
#include "download/DownloadHistory.h"
#include "download/DownloadQueue.h"

#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

namespace getbill::test {

/// Stands in for the native file dialogs: answers what the test says and records what it was asked.
class ScriptedChooser : public gui::SaveLocationChooser
{
public:
    QString chooseSaveFile(QWidget *, const QString &caption, const QString &suggestedPath, const QString &) override
    {
        saveCalls << suggestedPath;
        captions << caption;
        return saveAnswer;
    }
    QString chooseFolder(QWidget *, const QString &, const QString &startFolder) override
    {
        folderCalls << startFolder;
        return folderAnswer;
    }
    QString chooseOpenFile(QWidget *, const QString &, const QString &, const QString &) override
    {
        ++openCalls;
        return openAnswer;
    }

    QString saveAnswer;
    QString folderAnswer;
    QString openAnswer;
    QStringList saveCalls;
    QStringList captions;
    QStringList folderCalls;
    int openCalls = 0;
};

/// Records what would have been opened on the desktop.
class RecordingLauncher : public gui::FileLauncher
{
public:
    bool open(const QString &path) override
    {
        opened << path;
        return succeeds;
    }
    bool showInFolder(const QString &path) override
    {
        shown << path;
        return succeeds;
    }
    QStringList opened;
    QStringList shown;
    bool succeeds = true; ///< false: as a desktop with no application for the file and no file manager
};

/// The window wired as main() wires it, against a sandbox, with the dialogs and the desktop scripted.
class GuiHarness
{
public:
    /// `historyFile`: the download history the window and the controller share (none when empty); two harnesses
    /// on one file are two runs of the application.
    explicit GuiHarness(const QString &historyFile = {})
        : m_store(m_settingsDir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat), settings(&m_store),
          history(historyFile.isEmpty() ? nullptr : std::make_unique<DownloadHistory>(historyFile)),
          controller(&fixture.api(), history.get()), queue(*controller.queue())
    {
        settings.setDownloadFolder(fixture.folder());
        settings.setLastSaveFolder(fixture.folder());
        window = std::make_unique<gui::MainWindow>(&fixture.api(), &controller, &settings, &chooser, &launcher);
        if (history) {
            history->load();
            window->setHistory(history.get());
        }
    }
    ~GuiHarness()
    {
        controller.cancelAll();
        window.reset();
    }

    /// Shows the window, loads the list and waits for it.
    bool showLoaded()
    {
        window->show();
        window->activateWindow();
        if (!QTest::qWaitForWindowExposed(window.get()))
            return false;
        QSignalSpy loaded(window.get(), &gui::MainWindow::listLoaded);
        window->showReports();
        return loaded.wait(10'000) && loaded.first().first().toBool();
    }

    /// Waits for the queue's row to finish.
    bool waitForFinished(int row, int timeoutMs = 15'000)
    {
        return QTest::qWaitFor(
            [&] {
                const auto state = queue.state(row);
                return state == ReportDownloadJob::State::Done || state == ReportDownloadJob::State::Failed ||
                       state == ReportDownloadJob::State::Cancelled;
            },
            timeoutMs);
    }

    TestFixture fixture;
    QTemporaryDir m_settingsDir;
    QSettings m_store;
    Settings settings;
    std::unique_ptr<DownloadHistory> history;
    DownloadController controller;
    DownloadQueue &queue; ///< the controller's
    ScriptedChooser chooser;
    RecordingLauncher launcher;
    std::unique_ptr<gui::MainWindow> window;
};

} // namespace getbill::test
