#pragma once

#include "ConnectionSettings.h"

#include <QStringList>

// What the window remembers between runs (QSettings): recent URLs and recordings, heartbeat
// defaults and request options.
// Window layout and saved messages are kept by MainWindow and SavedMessages.
namespace AppSettings {

QStringList recentUrls();
void addRecentUrl(const QString &url);
HeartbeatSettings heartbeatDefaults();
void setHeartbeatDefaults(const HeartbeatSettings &settings);
// Whether (and where) every connection is recorded, and whether secrets are kept.
RecordingSettings recordingDefaults();
void setRecordingDefaults(const RecordingSettings &settings);
// What a new tab starts with: the heartbeat defaults, the recording preference and the
// request options that persist (compression, close timeout).
ConnectionSettings newConnectionDefaults();
// Remembers the request options that persist, from settings just used to connect.
void rememberRequestOptions(const ConnectionSettings &settings);
QStringList recentRecordings();
void addRecentRecording(const QString &path);

} // namespace AppSettings
