#include "AppSettings.h"

#include <QSettings>

namespace AppSettings {

namespace {
constexpr int MaxRecentUrls = 20;
}

QStringList recentUrls()
{
    return QSettings().value(QStringLiteral("recentUrls")).toStringList();
}

void addRecentUrl(const QString &url)
{
    QStringList urls = recentUrls();
    urls.removeAll(url);
    urls.prepend(url);
    QSettings().setValue(QStringLiteral("recentUrls"), urls.mid(0, MaxRecentUrls));
}

HeartbeatSettings heartbeatDefaults()
{
    QSettings settings;
    HeartbeatSettings h;
    settings.beginGroup(QStringLiteral("heartbeatDefaults"));
    h.enabled = settings.value(QStringLiteral("enabled"), h.enabled).toBool();
    h.intervalMs = qMax(HeartbeatSettings::MinimumIntervalMs,
        settings.value(QStringLiteral("intervalMs"), h.intervalMs).toInt());
    h.timeoutMs = qMax(HeartbeatSettings::MinimumIntervalMs,
        settings.value(QStringLiteral("timeoutMs"), h.timeoutMs).toInt());
    h.onTimeout = HeartbeatSettings::TimeoutAction(
        qBound(0, settings.value(QStringLiteral("onTimeout"), 0).toInt(), 2));
    h.pong = HeartbeatSettings::PongPolicy(
        qBound(0, settings.value(QStringLiteral("pong"), 0).toInt(), 2));
    h.pongDelayMs = qBound(0, settings.value(QStringLiteral("pongDelayMs"), 0).toInt(), 600000);
    settings.endGroup();
    return h;
}

void setHeartbeatDefaults(const HeartbeatSettings &h)
{
    QSettings settings;
    settings.beginGroup(QStringLiteral("heartbeatDefaults"));
    settings.setValue(QStringLiteral("enabled"), h.enabled);
    settings.setValue(QStringLiteral("intervalMs"), h.intervalMs);
    settings.setValue(QStringLiteral("timeoutMs"), h.timeoutMs);
    settings.setValue(QStringLiteral("onTimeout"), int(h.onTimeout));
    settings.setValue(QStringLiteral("pong"), int(h.pong));
    settings.setValue(QStringLiteral("pongDelayMs"), h.pongDelayMs);
    settings.endGroup();
}

RecordingSettings recordingDefaults()
{
    QSettings settings;
    RecordingSettings r;
    r.directory = settings.value(QStringLiteral("recording/directory")).toString();
    r.keepSecrets = settings.value(QStringLiteral("recording/keepSecrets"), false).toBool();
    return r;
}

void setRecordingDefaults(const RecordingSettings &r)
{
    QSettings settings;
    settings.setValue(QStringLiteral("recording/directory"), r.directory);
    settings.setValue(QStringLiteral("recording/keepSecrets"), r.keepSecrets);
}

ConnectionSettings newConnectionDefaults()
{
    QSettings settings;
    ConnectionSettings s;
    s.heartbeat = heartbeatDefaults();
    s.recording = recordingDefaults();
    s.deflate = settings.value(QStringLiteral("request/deflate"), s.deflate).toBool();
    s.closeTimeoutMs = qBound(0,
        settings.value(QStringLiteral("request/closeTimeoutMs"), s.closeTimeoutMs).toInt(), 600000);
    return s;
}

void rememberRequestOptions(const ConnectionSettings &s)
{
    setRecordingDefaults(s.recording);
    QSettings settings;
    settings.setValue(QStringLiteral("request/deflate"), s.deflate);
    settings.setValue(QStringLiteral("request/closeTimeoutMs"), s.closeTimeoutMs);
}

QStringList recentRecordings()
{
    return QSettings().value(QStringLiteral("recentRecordings")).toStringList();
}

void addRecentRecording(const QString &path)
{
    QStringList paths = recentRecordings();
    paths.removeAll(path);
    paths.prepend(path);
    QSettings().setValue(QStringLiteral("recentRecordings"), paths.mid(0, 10));
}

} // namespace AppSettings
