#pragma once

#include "ConnectionSettings.h"

#include <QStringList>

// What the window remembers between runs (QSettings): recent URLs and heartbeat defaults.
// Window layout and saved messages are kept by MainWindow and SavedMessages.
namespace AppSettings {

QStringList recentUrls();
void addRecentUrl(const QString &url);
HeartbeatSettings heartbeatDefaults();
void setHeartbeatDefaults(const HeartbeatSettings &settings);
// Whether (and where) every connection is recorded, and whether secrets are kept.
RecordingSettings recordingDefaults();
void setRecordingDefaults(const RecordingSettings &settings);

} // namespace AppSettings
