#include "TrayIcon.h"

#include "ReportIcons.h"

#include <QGuiApplication>
#include <QMenu>
#include <QSystemTrayIcon>

namespace getbill::gui {

TrayIcon::TrayIcon(QObject *parent) : QObject(parent), m_menu(std::make_unique<QMenu>())
{
    m_menu->setObjectName(QStringLiteral("trayMenu"));
    m_separator = m_menu->addSeparator();
    QAction *show = m_menu->addAction(tr("Show window"), this, &TrayIcon::showWindowRequested);
    show->setObjectName(QStringLiteral("trayShowWindow"));
    QAction *quit = m_menu->addAction(tr("Quit"), this, &TrayIcon::quitRequested);
    quit->setObjectName(QStringLiteral("trayQuit"));

    // The application's icon when it has one (decoded once), else its own.
    const QIcon icon = QGuiApplication::windowIcon();
    m_icon = std::make_unique<QSystemTrayIcon>(icon.isNull() ? ReportIcons::application() : icon);
    m_icon->setObjectName(QStringLiteral("trayIcon"));
    m_icon->setToolTip(tr("GetBill Reports"));
    m_icon->setContextMenu(m_menu.get());
    connect(m_icon.get(), &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
        if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
            emit showWindowRequested();
    });
    connect(m_icon.get(), &QSystemTrayIcon::messageClicked, this, &TrayIcon::messageClicked);
    setRunning({});
    m_icon->show();
}

TrayIcon::~TrayIcon() = default;

void TrayIcon::setRunning(const QList<DownloadProgressSummary::Item> &items)
{
    qDeleteAll(std::exchange(m_running, {}));
    for (const DownloadProgressSummary::Item &item : items) {
        const QString text = item.percent < 0 ? item.title : tr("%1 — %2%").arg(item.title).arg(item.percent);
        auto *action = new QAction(text, m_menu.get());
        action->setObjectName(QStringLiteral("trayDownload"));
        action->setEnabled(false);
        m_menu->insertAction(m_separator, action);
        m_running << action;
    }
    m_separator->setVisible(!items.isEmpty());
    if (items.isEmpty())
        m_icon->setToolTip(tr("GetBill Reports"));
    else if (items.size() == 1)
        m_icon->setToolTip(tr("GetBill Reports — 1 download running"));
    else
        m_icon->setToolTip(tr("GetBill Reports — %n downloads running", nullptr, int(items.size())));
}

void TrayIcon::showMessage(const QString &title, const QString &body)
{
    m_icon->showMessage(title, body, QSystemTrayIcon::Information);
}

} // namespace getbill::gui
