#include "ConvertCommand.h"

#include "BoundedFile.h"
#include "ExitStatus.h"
#include "HarFormat.h"
#include "RecordingInput.h"
#include "RecordingReader.h"
#include "TerminalText.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#include <cstdio>

namespace ConvertCommand {

namespace {

// HAR files quote URLs and headers from anywhere in their messages.
const auto say = TerminalText::writeLine;

bool isHar(const QString &path)
{
    return QFileInfo(path).suffix().compare(QLatin1String("har"), Qt::CaseInsensitive) == 0;
}

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QSaveFile file(path);
    if (file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit())
        return true;
    say(stderr, QStringLiteral("sockscope: cannot write %1: %2").arg(path, file.errorString()));
    return false;
}

int harToRecordings(const QString &input, const QString &output, bool keepSecrets)
{
    QByteArray json;
    QString error;
    if (!BoundedFile::read(
            input, HarFormat::MaxFileBytes, QStringLiteral("the HAR file"), &json, &error)) {
        say(stderr, QStringLiteral("sockscope: %1").arg(error));
        return ExitStatus::ConnectFailed;
    }
    const HarFormat::ImportResult har = HarFormat::import(
        json, keepSecrets ? SecretRedaction::Policy::Keep : SecretRedaction::Policy::Redact);
    if (!har.error.isEmpty()) {
        say(stderr, QStringLiteral("sockscope: %1 is %2").arg(input, har.error));
        return ExitStatus::ConnectFailed;
    }
    for (const QString &problem : har.problems)
        say(stderr, QStringLiteral("%1: %2").arg(input, problem));
    if (har.skippedEntries > 0)
        say(stderr,
            QStringLiteral("%1: %2 entries are not WebSocket sessions")
                .arg(input)
                .arg(har.skippedEntries));
    if (har.sessions.isEmpty() && har.problems.isEmpty()) {
        say(stderr, QStringLiteral("%1 holds no WebSocket session: nothing written").arg(input));
        return ExitStatus::Ok;
    }
    for (int i = 0; i < har.sessions.size(); ++i) {
        const HarFormat::Session &session = har.sessions.at(i);
        QByteArray bytes = RecordingFormat::headerLine(session.header);
        RecordingFormat::appendEventLines(session.events, bytes);
        const QString path = RecordingFormat::numberedPath(output, i);
        if (!writeFile(path, bytes))
            return ExitStatus::FileError;
        say(stdout,
            QStringLiteral("%1: %2 events from %3")
                .arg(path)
                .arg(session.events.events.size())
                .arg(session.header.url.toString()));
    }
    if (!har.problems.isEmpty()) {
        say(stderr,
            QStringLiteral("sockscope: %1: %2 parts skipped (listed above)")
                .arg(input)
                .arg(har.problems.size()));
        return ExitStatus::Skipped;
    }
    return ExitStatus::Ok;
}

int recordingToHar(const QString &input, const QString &output, bool keepSecrets)
{
    RecordingReader reader;
    if (!RecordingInput::read(input, &reader))
        return ExitStatus::ConnectFailed;
    HarFormat::Session session;
    session.header = reader.header();
    for (const TrafficBatch &batch : reader.batches())
        session.events.events += batch.materialized();
    if (!writeFile(output, HarFormat::exportSessions({session}, keepSecrets)))
        return ExitStatus::FileError;
    say(stdout,
        QStringLiteral("%1: 1 WebSocket session, %2 events").arg(output).arg(reader.eventCount()));
    return reader.problems().isEmpty() ? ExitStatus::Ok : ExitStatus::Skipped;
}

} // namespace

int run(const QString &input, const QString &output, bool keepSecrets)
{
    if (isHar(input) && !isHar(output))
        return harToRecordings(input, output, keepSecrets);
    if (!isHar(input) && isHar(output))
        return recordingToHar(input, output, keepSecrets);
    say(stderr,
        QStringLiteral("sockscope: convert turns a .har file into a recording or a recording into "
                       "a .har file"));
    return ExitStatus::Usage;
}

} // namespace ConvertCommand
