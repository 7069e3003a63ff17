#include "diag/DiagnosticsReport.h"

#include "Settings.h"
#include "diag/Redactor.h"

#include <QCoreApplication>
#include <QSaveFile>
#include <QSslSocket>
#include <QSysInfo>

namespace getbill {

void RecentErrors::add(const QString &text)
{
    m_entries.append({QDateTime::currentDateTimeUtc(), text});
    while (m_entries.size() > m_capacity)
        m_entries.removeFirst();
}

QList<QPair<QString, QString>> DiagnosticsReport::settingsOf(const Settings &settings)
{
    const auto folder = [](const QString &path) {
        return path.isEmpty() ? QStringLiteral("(none)") : path;
    };
    return {
        {QStringLiteral("api_url"),
         settings.apiUrl().isEmpty()
             ? QStringLiteral("(default)")
             : settings.apiUrl().adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString()},
        {QStringLiteral("save_mode"), settings.saveMode() == Settings::SaveMode::AlwaysToFolder
                                          ? QStringLiteral("always to folder")
                                          : QStringLiteral("ask every time")},
        {QStringLiteral("download_folder"), folder(settings.downloadFolder())},
        {QStringLiteral("last_save_folder"), folder(settings.lastSaveFolder())},
        {QStringLiteral("max_concurrent_downloads"), QString::number(settings.maxConcurrentDownloads())},
        {QStringLiteral("ca_bundle"), folder(settings.caBundlePath())},
    };
}

QString DiagnosticsReport::text() const
{
    QString out;
    const auto line = [&out](const QString &key, const QString &value) {
        out += key + QLatin1String(": ") + value + QLatin1Char('\n');
    };
    out += QLatin1String("GetBill Reports diagnostics\n");
    line(QStringLiteral("generated"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate));
    out += QLatin1String("\n[versions]\n");
    line(QStringLiteral("application"), applicationVersion);
    line(QStringLiteral("qt_runtime"), QString::fromLatin1(qVersion()));
    line(QStringLiteral("qt_build"), QStringLiteral(QT_VERSION_STR));
    line(QStringLiteral("os"), QSysInfo::prettyProductName() + QLatin1String(" (") + QSysInfo::kernelType() +
                                   QLatin1Char(' ') + QSysInfo::kernelVersion() + QLatin1String(", ") +
                                   QSysInfo::currentCpuArchitecture() + QLatin1Char(')'));
    line(QStringLiteral("tls_backend"),
         QSslSocket::supportsSsl() ? QSslSocket::sslLibraryVersionString() : QStringLiteral("(no TLS support)"));
    line(QStringLiteral("api_address"),
         apiUrl.adjusted(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toString());

    out += QLatin1String("\n[settings]\n");
    for (const auto &setting : settings)
        line(setting.first, setting.second);

    out += QLatin1String("\n[last errors]\n");
    if (errors.isEmpty())
        out += QLatin1String("(none)\n");
    for (const auto &error : errors)
        line(error.when.toString(Qt::ISODate), error.text);

    out += QLatin1String("\n[last ") + QString::number(logLines.size()) + QLatin1String(" log lines]\n");
    for (const QString &logLine : logLines)
        out += logLine + QLatin1Char('\n');
    // Once more over the whole text: a secret in an error message or a setting goes too.
    return Redactor::redact(out, knownSecrets);
}

bool DiagnosticsReport::writeTo(const QString &path, QString *error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    // Before the first byte: the report names folders and hosts, which are nobody else's business.
    file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QByteArray bytes = text().toUtf8();
    if (file.write(bytes) != bytes.size() || !file.commit()) {
        if (error)
            *error = file.errorString();
        file.cancelWriting();
        return false;
    }
    return true;
}

} // namespace getbill
